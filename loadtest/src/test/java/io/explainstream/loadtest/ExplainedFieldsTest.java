package io.explainstream.loadtest;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.RoutingReason;
import io.explainstream.schema.Timings;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainedFieldsTest {
    private final ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    private final AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, registry, true);
    private final ExplainedFields fields = new ExplainedFields(registry);

    @Test
    void shouldReadTheSourceAndTheIntendedTimeOfEachRecordInTurn() {
        fields.read(serde.serializer().serialize("out", event(ExplanationSource.GROUP, 5,
                Map.of("tenant", "acme", SyntheticWorkload.INTENDED_AT, "1700000000123456"))));
        assertFalse(fields.l2e());
        assertEquals(1_700_000_000_123_456L, fields.intendedMicros());

        fields.read(serde.serializer().serialize("out", event(ExplanationSource.L2E, 10,
                Map.of(SyntheticWorkload.INTENDED_AT, "42"))));
        assertTrue(fields.l2e());
        assertEquals(42, fields.intendedMicros());

        fields.read(serde.serializer().serialize("out", event(ExplanationSource.GROUP, 0, Map.of("tenant", "x"))));
        assertFalse(fields.l2e());
        assertEquals(ExplainedFields.UNKNOWN, fields.intendedMicros());
    }

    @Test
    void shouldRefuseARecordNotInTheConfluentWireFormat() {
        assertThrows(IllegalArgumentException.class, () -> fields.read(new byte[] {1, 0, 0, 0, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> fields.read(new byte[] {0, 0}));
    }

    static ExplainedEvent event(ExplanationSource source, int features, Map<String, String> attributes) {
        List<FeatureAttribution> list = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            list.add(new FeatureAttribution(j, "f" + j, 0.5 * j, -1.0, 0.25, FeatureLabel.LOW_NEGATIVE));
        }
        boolean l2e = source == ExplanationSource.L2E;
        return ExplainedEvent.newBuilder()
                .setEventId("lt-1").setModelId("m").setModelVersion("1").setEventTime(1_700_000_000_123L)
                .setPrediction(new Prediction(0.5, "yes", List.of(0.5, 0.5)))
                .setGroupId(3).setPosterior(0.4).setRunnerUpGroupId(l2e ? 1 : null)
                .setRunnerUpPosterior(l2e ? 0.35 : null)
                .setExplanation(new Explanation(source, list))
                .setSurrogateValue(0.45).setResidual(0.05)
                .setRouting(l2e ? RoutingReason.LOW_POSTERIOR : RoutingReason.NONE)
                .setBundleVersion("b-1").setExplainerVersion(l2e ? "l2e-1" : null)
                .setTimings(new Timings(1_700_000_000_200L, 1234L, l2e ? 5678L : null, l2e ? 64 : null))
                .setAttributes(attributes)
                .build();
    }
}
