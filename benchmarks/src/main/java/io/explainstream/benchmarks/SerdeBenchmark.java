package io.explainstream.benchmarks;

import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.RoutingReason;
import io.explainstream.schema.Timings;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Confluent wire-format serdes: decoding an input event, encoding an explained event (schema ids cached). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SerdeBenchmark {
    @Param({"11", "100"})
    int d;

    private AvroSerde<PredictionEvent> in;
    private AvroSerde<ExplainedEvent> out;
    private byte[] encodedEvent;
    private PredictionEvent event;
    private ExplainedEvent explained;

    @Setup
    public void setup() {
        ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
        in = new AvroSerde<>(PredictionEvent.class, registry, true);
        out = new AvroSerde<>(ExplainedEvent.class, registry, true);
        List<Float> values = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            values.add((float) j / d);
        }
        event = new PredictionEvent("event-123456", "model", "v1", 1_700_000_000_000L,
                new DenseFeatures(values), new Prediction(5.5, null, null), Map.of());
        encodedEvent = in.serializer().serialize("predictions", event);
        List<FeatureAttribution> features = new ArrayList<>();
        for (int j = 0; j < 5; j++) {
            features.add(new FeatureAttribution(j, "feature " + j, 0.5, 0.1 * j, 0.05 * j, FeatureLabel.LOW_POSITIVE));
        }
        explained = new ExplainedEvent("event-123456", "model", "v1", event.getEventTime(), event.getPrediction(), 3,
                0.9, 1, 0.05, new Explanation(ExplanationSource.GROUP, features), 5.4, 0.05, RoutingReason.NONE,
                "bundle-1", null, new Timings(1_700_000_000_100L, 300L, null, null), Map.of());
    }

    @Benchmark
    public PredictionEvent decodePredictionEvent() {
        return in.deserializer().deserialize("predictions", encodedEvent);
    }

    @Benchmark
    public byte[] encodePredictionEvent() {
        return in.serializer().serialize("predictions", event);
    }

    @Benchmark
    public byte[] encodeExplainedEvent() {
        return out.serializer().serialize("predictions.explained", explained);
    }
}
