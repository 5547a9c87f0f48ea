package io.explainstream.app.topology;

import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroDeserializer;
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
 * Reading an input record (the load test's event: d = 11, one attribute) up to the fields the GIME stage uses:
 * {@code decoded} decodes it with the Avro deserializer (the record-size guard, then Avro's reader, as the identity
 * topology and the stage's decoded path do) and reads the eventId, modelId, score, time and the values from the
 * event; {@code raw} reads the same from the bytes with {@link RawPredictionEvent}. One operation is one record;
 * records cycle through 1024. In package {@code io.explainstream.app.topology} to reach the stage's package-private
 * classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InputReadBenchmark {
    private static final String TOPIC = "predictions";
    private static final int D = 11;
    private AvroDeserializer<PredictionEvent> events;
    private final RawPredictionEvent reader = new RawPredictionEvent(D);
    private byte[][] raw;
    private int next;

    @Setup
    public void setup() {
        ExplainstreamSerdes serdes = ExplainstreamSerdes.create(ConfluentSchemaRegistry.inMemory(), true);
        events = serdes.predictionEvent().deserializer();
        Random r = new Random(1);
        raw = new byte[1024][];
        for (int i = 0; i < raw.length; i++) {
            List<Float> values = new ArrayList<>();
            for (int j = 0; j < D; j++) {
                values.add((float) r.nextGaussian());
            }
            PredictionEvent e = new PredictionEvent("lt-" + (1_000_000 + i), "model", "1", 1_764_000_000_000L + i,
                    new DenseFeatures(values), new Prediction(r.nextGaussian(), null, null),
                    Map.of("loadtest.intended-us", Long.toString(1_764_000_000_000_000L + i)));
            raw[i] = serdes.predictionEvent().serializer().serialize(TOPIC, e);
            events.deserialize(TOPIC, raw[i]);
        }
    }

    @Benchmark
    public double decoded() {
        PredictionEvent e = events.deserialize(TOPIC, raw[next++ & 1023]);
        double sum = e.getEventId().length() + e.getModelId().length() + e.getEventTime()
                + e.getPrediction().getScore();
        for (Float v : ((DenseFeatures) e.getFeatures()).getValues()) {
            sum += v;
        }
        return sum;
    }

    @Benchmark
    public double raw() {
        if (!reader.read(events, raw[next++ & 1023])) {
            throw new IllegalStateException("not read");
        }
        double sum = reader.eventIdLength + reader.modelIdLength + reader.eventTime + reader.score;
        for (int j = 0; j < reader.valueCount; j++) {
            sum += reader.values[j];
        }
        return sum;
    }
}
