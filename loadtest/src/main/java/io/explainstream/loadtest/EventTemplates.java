package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ByteArrayEncoder;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A load generator's events, encoded ahead of time so that sending one costs little more than the producer's own
 * work: {@code size} events of a workload, written once by the real serializer (registering the schema), then
 * event {@code i} is template {@code i mod size} with its own id, event time and intended-send attribute written
 * in. The bytes equal what the serializer writes for that event ({@code EventTemplatesTest}). Not thread-safe.
 */
final class EventTemplates {
    private static final byte[] INTENDED_KEY = SyntheticWorkload.INTENDED_AT.getBytes(StandardCharsets.UTF_8);
    private static final int HEADER = 5;

    private final byte[] header;
    private final byte[] model;
    private final List<byte[]> bodies;
    private final ByteArrayEncoder out = new ByteArrayEncoder(256);

    /** @param serializer the Confluent-format serializer of the input topic's values */
    EventTemplates(SyntheticWorkload workload, Serializer<PredictionEvent> serializer, String topic, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("at least one template, not " + size);
        }
        List<byte[]> bodies = new ArrayList<>(size);
        byte[] header = null;
        byte[] model = null;
        for (int j = 0; j < size; j++) {
            PredictionEvent e = workload.next(j, 0);
            e.setAttributes(Map.of());
            byte[] bytes = serializer.serialize(topic, e);
            out.reset();
            out.writeString(e.getModelId());
            out.writeString(e.getModelVersion());
            model = out.toByteArray();
            out.reset();
            out.writeString(e.getEventId());
            out.writeFixed(model, 0, model.length);
            out.writeLong(e.getEventTime());
            byte[] prefix = out.toByteArray();
            if (!Arrays.equals(bytes, HEADER, HEADER + prefix.length, prefix, 0, prefix.length)
                    || bytes[bytes.length - 1] != 0) {
                throw new IllegalStateException("PredictionEvent's layout changed: the templates expect eventId, "
                        + "modelId, modelVersion, eventTime first and the attributes map last");
            }
            header = Arrays.copyOf(bytes, HEADER);
            bodies.add(Arrays.copyOfRange(bytes, HEADER + prefix.length, bytes.length - 1));
        }
        this.header = header;
        this.model = model;
        this.bodies = bodies;
    }

    /** The value of event {@code i}, meant to be sent at {@code intendedMicros} (epoch microseconds). */
    byte[] encode(long i, long intendedMicros) {
        out.reset();
        out.writeFixed(header, 0, HEADER);
        out.writeString("lt-" + i);
        out.writeFixed(model, 0, model.length);
        out.writeLong(intendedMicros / 1000);
        byte[] body = bodies.get((int) Math.floorMod(i, (long) bodies.size()));
        out.writeFixed(body, 0, body.length);
        out.setItemCount(1);
        out.writeUtf8(INTENDED_KEY);
        out.writeString(Long.toString(intendedMicros));
        out.writeMapEnd();
        return out.toByteArray();
    }
}
