package io.explainstream.app.topology;

import io.explainstream.benchmarks.SyntheticBundles;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroDeserializer;
import io.explainstream.serde.AvroSerializer;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.ExplainstreamSerdes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The output record of a group-explained event (d = 11, K = 10, s = 5, the load test's event with its one attribute),
 * from an assigned workspace to the bytes the sink sends: {@code objects} builds the {@link ExplainedEvent} and
 * serializes it (the stage before 2026-12-01's fourth session), {@code encoded} writes it with
 * {@link ExplainedEncoder} from the decoded event, {@code copied} also copies the event's fields from its input
 * record (found by reading it with {@link RawPredictionEvent}). All three give the same bytes. One operation is one event; events cycle through 1024 pre-assigned ones.
 * In package {@code io.explainstream.app.topology} to reach the stage's package-private classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutputRecordBenchmark {
    private static final String TOPIC = "predictions.explained";
    private ModelBundle bundle;
    private GimeModel model;
    private Workspace[] assigned;
    private PredictionEvent[] events;
    private byte[][] raw;
    private AvroSerializer<ExplainedEvent> serializer;
    private ExplainedEncoder encoder;
    private final Outputs.GroupAttributions attributions = new Outputs.GroupAttributions();
    private final RawPredictionEvent reader = new RawPredictionEvent(11);
    private AvroDeserializer<PredictionEvent> deserializer;
    private int schemaId;
    private int next;

    @Setup
    public void setup() {
        bundle = SyntheticBundles.tabular(11, 10, 5, 42);
        model = GimeModel.of(bundle);
        ExplainstreamSerdes serdes = ExplainstreamSerdes.create(ConfluentSchemaRegistry.inMemory(), true);
        serializer = serdes.explainedEvent().serializer();
        schemaId = serializer.schemaId(TOPIC);
        encoder = new ExplainedEncoder(model, bundle.version());
        Random r = new Random(1);
        assigned = new Workspace[1024];
        events = new PredictionEvent[1024];
        raw = new byte[1024][];
        for (int i = 0; i < 1024; i++) {
            float[] x = new float[11];
            List<Float> values = new ArrayList<>();
            for (int j = 0; j < 11; j++) {
                x[j] = (float) r.nextGaussian();
                values.add(x[j]);
            }
            assigned[i] = model.newWorkspace();
            model.assignDense(x, assigned[i]);
            PredictionEvent e = new PredictionEvent("lt-" + (1_000_000 + i), bundle.modelId(), "1",
                    1_764_000_000_000L + i, new DenseFeatures(values), new Prediction(r.nextGaussian(), null, null),
                    Map.of("loadtest.intended-us", Long.toString(1_764_000_000_000_000L + i)));
            raw[i] = serdes.predictionEvent().serializer().serialize("predictions", e);
            events[i] = serdes.predictionEvent().deserializer().deserialize("predictions", raw[i]);
            deserializer = serdes.predictionEvent().deserializer();
        }
    }

    @Benchmark
    public byte[] objects() {
        int i = next++ & 1023;
        Workspace ws = assigned[i];
        ExplainedEvent e = Outputs.explained(events[i], bundle, model, ws, 0.25, Route.NONE, ExplanationSource.GROUP,
                attributions.of(model, ws, 10), 1000L);
        return serializer.serialize(TOPIC, e);
    }

    @Benchmark
    public byte[] encoded() {
        int i = next++ & 1023;
        return encoder.group(schemaId, events[i], null, null, assigned[i], 0.25, Route.NONE, 10,
                System.currentTimeMillis(), 1000L);
    }

    @Benchmark
    public byte[] copied() {
        int i = next++ & 1023;
        reader.read(deserializer, raw[i]);
        return encoder.group(schemaId, events[i], raw[i], reader.layout, assigned[i], 0.25, Route.NONE, 10,
                System.currentTimeMillis(), 1000L);
    }
}
