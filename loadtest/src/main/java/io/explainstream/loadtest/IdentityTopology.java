package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.Arrays;

/**
 * The baseline the explaining topology is compared with: the same source, the same serdes, the same sink
 * settings, and nothing in between — deserialize, then serialize. The size-matched variant appends {@code padding}
 * zero bytes to each serialized record (a bound, not a readable topic: the broker and the consumers then move as
 * many bytes per event as for the explained topic, with no explaining work).
 */
final class IdentityTopology {
    static final String SOURCE = "identity-source";
    static final String DECODE = "identity-decode";
    static final String SINK = "identity-sink";

    private IdentityTopology() {
    }

    static Topology build(String input, String output, Serde<PredictionEvent> serde) {
        return build(input, output, serde, 0);
    }

    static Topology build(String input, String output, Serde<PredictionEvent> serde, int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, not " + padding);
        }
        Serializer<PredictionEvent> serializer = serde.serializer();
        Serializer<PredictionEvent> sink = padding == 0 ? serializer : (topic, event) -> {
            byte[] bytes = serializer.serialize(topic, event);
            return bytes == null ? null : Arrays.copyOf(bytes, bytes.length + padding);
        };
        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        t.addProcessor(DECODE, () -> new Decode(serde), SOURCE);
        t.addSink(SINK, output, new ByteArraySerializer(), sink, DECODE);
        return t;
    }

    private static final class Decode implements Processor<byte[], byte[], byte[], PredictionEvent> {
        private final Serde<PredictionEvent> serde;
        private ProcessorContext<byte[], PredictionEvent> context;

        Decode(Serde<PredictionEvent> serde) {
            this.serde = serde;
        }

        @Override
        public void init(ProcessorContext<byte[], PredictionEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
            context.forward(record.withValue(serde.deserializer().deserialize(topic, record.value())));
        }
    }
}
