package io.explainstream.benchmarks;

import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Router;
import io.explainstream.gime.Workspace;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * GIME assignment of dense tabular events: scaling, K cosine logits, softmax, the assigned group's surrogate
 * (one call to {@link GimeModel#assignDense}); and the same plus the residual and routing decision.
 * One operation is one event; events cycle through 1024 pre-generated vectors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GimeAssignBenchmark {
    @Param({"11", "100", "1000"})
    int d;

    @Param({"4", "10", "20"})
    int k;

    private GimeModel model;
    private Workspace ws;
    private float[][] events;
    private double[] scores;
    private final Router router = new Router(0.5, 1.0);
    private int next;

    @Setup
    public void setup() {
        model = GimeModel.of(SyntheticBundles.tabular(d, k, 5, 42));
        ws = model.newWorkspace();
        Random r = new Random(1);
        events = new float[1024][d];
        scores = new double[1024];
        for (float[] e : events) {
            for (int j = 0; j < d; j++) {
                e[j] = (float) r.nextGaussian();
            }
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = r.nextGaussian();
        }
    }

    @Benchmark
    public double assign() {
        model.assignDense(events[next++ & 1023], ws);
        return ws.posterior() + ws.surrogateZ();
    }

    @Benchmark
    public Route assignAndRoute() {
        int i = next++ & 1023;
        model.assignDense(events[i], ws);
        double residual = Math.abs(ws.surrogateZ() - model.target().toZ(scores[i]));
        return router.route(ws.posterior(), residual);
    }
}
