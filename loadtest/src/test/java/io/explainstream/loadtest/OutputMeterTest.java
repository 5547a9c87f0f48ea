package io.explainstream.loadtest;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency reader's handling of each record, without a broker (its consumer is never started). */
class OutputMeterTest {
    private final ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    private final AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, registry, true);

    @Test
    void shouldCountAnUnreadableExplainedRecordAndGoOnMeasuringTheRecordsAfterIt() throws Exception {
        long intended = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis() - 5);
        Map<String, String> attributes = Map.of(SyntheticWorkload.INTENDED_AT, Long.toString(intended));
        try (OutputMeter meter = new OutputMeter("127.0.0.1:9", Map.of(), registry, "out", "dlq")) {
            meter.handle(new ConsumerRecord<>("out", 0, 0, null, new byte[] {0, 0, 0}));
            meter.handle(new ConsumerRecord<>("out", 0, 1, null, explained(ExplanationSource.GROUP, attributes)));
            meter.handle(new ConsumerRecord<>("out", 1, 0, null, explained(ExplanationSource.L2E, attributes)));
            meter.handle(new ConsumerRecord<>("dlq", 0, 0, null, new byte[] {42}));

            assertEquals(1, meter.unreadable(), "the record that is not in the wire format");
            assertEquals(2, meter.explained());
            assertEquals(1, meter.l2e());
            assertEquals(1, meter.dlq());
            OutputMeter.Latencies latencies = meter.latencies();
            assertEquals(2, latencies.endToEnd().getTotalCount(), "both readable records were measured");
            assertTrue(latencies.endToEnd().getMinValue() >= TimeUnit.MILLISECONDS.toMicros(5) - 10,
                    "from the intended time, 5 ms before: " + latencies.endToEnd().getMinValue() + " µs");
        }
    }

    private byte[] explained(ExplanationSource source, Map<String, String> attributes) {
        return serde.serializer().serialize("out", ExplainedFieldsTest.event(source, 5, attributes));
    }
}
