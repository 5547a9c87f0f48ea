package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import org.apache.avro.io.BinaryData;
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
    private final byte[] scratch;

    /** @param serializer the Confluent-format serializer of the input topic's values */
    EventTemplates(SyntheticWorkload workload, Serializer<PredictionEvent> serializer, String topic, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("at least one template, not " + size);
        }
        List<byte[]> bodies = new ArrayList<>(size);
        byte[] header = null;
        byte[] model = null;
        int longest = 0;
        for (int j = 0; j < size; j++) {
            PredictionEvent e = workload.next(j, 0);
            e.setAttributes(Map.of());
            byte[] bytes = serializer.serialize(topic, e);
            byte[] prefix = prefix(e);
            if (!Arrays.equals(bytes, HEADER, HEADER + prefix.length, prefix, 0, prefix.length)
                    || bytes[bytes.length - 1] != 0) {
                throw new IllegalStateException("PredictionEvent's layout changed: the templates expect eventId, "
                        + "modelId, modelVersion, eventTime first and the attributes map last");
            }
            header = Arrays.copyOf(bytes, HEADER);
            model = Arrays.copyOfRange(prefix, stringLength(e.getEventId()), prefix.length - 1);
            byte[] body = Arrays.copyOfRange(bytes, HEADER + prefix.length, bytes.length - 1);
            bodies.add(body);
            longest = Math.max(longest, body.length);
        }
        this.header = header;
        this.model = model;
        this.bodies = bodies;
        this.scratch = new byte[HEADER + 25 + model.length + 10 + longest + 5 + 5 + INTENDED_KEY.length + 5 + 20 + 1];
    }

    /** The value of event {@code i}, meant to be sent at {@code intendedMicros} (epoch microseconds). */
    byte[] encode(long i, long intendedMicros) {
        byte[] b = scratch;
        System.arraycopy(header, 0, b, 0, HEADER);
        int p = HEADER;
        p = writeAscii(b, p, "lt-" + i);
        System.arraycopy(model, 0, b, p, model.length);
        p += model.length;
        p += BinaryData.encodeLong(intendedMicros / 1000, b, p);
        byte[] body = bodies.get((int) Math.floorMod(i, (long) bodies.size()));
        System.arraycopy(body, 0, b, p, body.length);
        p += body.length;
        p += BinaryData.encodeLong(1, b, p);
        p += BinaryData.encodeInt(INTENDED_KEY.length, b, p);
        System.arraycopy(INTENDED_KEY, 0, b, p, INTENDED_KEY.length);
        p += INTENDED_KEY.length;
        p = writeAscii(b, p, Long.toString(intendedMicros));
        b[p++] = 0;
        return Arrays.copyOf(b, p);
    }

    private static int writeAscii(byte[] b, int p, String s) {
        p += BinaryData.encodeInt(s.length(), b, p);
        for (int k = 0; k < s.length(); k++) {
            b[p++] = (byte) s.charAt(k);
        }
        return p;
    }

    private static byte[] prefix(PredictionEvent e) {
        byte[] b = new byte[64 + 3 * 5 + e.getModelId().length() * 3 + e.getModelVersion().length() * 3];
        int p = writeUtf8(b, 0, e.getEventId());
        p = writeUtf8(b, p, e.getModelId());
        p = writeUtf8(b, p, e.getModelVersion());
        p += BinaryData.encodeLong(e.getEventTime(), b, p);
        return Arrays.copyOf(b, p);
    }

    private static int writeUtf8(byte[] b, int p, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        p += BinaryData.encodeInt(utf8.length, b, p);
        System.arraycopy(utf8, 0, b, p, utf8.length);
        return p + utf8.length;
    }

    private static int stringLength(String s) {
        byte[] scratch = new byte[5];
        int utf8 = s.getBytes(StandardCharsets.UTF_8).length;
        return BinaryData.encodeInt(utf8, scratch, 0) + utf8;
    }
}
