package io.explainstream.benchmarks;

import io.explainstream.gime.GimeModel;
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
 * GIME assignment of sparse bag-of-words events: a 20,000-word vocabulary, 20 non-zeros per event, regions and
 * explanations with 50 non-zeros (the text top-s). The vector is never densified.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GimeSparseAssignBenchmark {
    @Param({"4", "10", "20"})
    int k;

    @Param({"20000"})
    int vocabulary;

    @Param({"20"})
    int nnz;

    private GimeModel model;
    private Workspace ws;
    private int[][] indices;
    private float[][] values;
    private int next;

    @Setup
    public void setup() {
        model = GimeModel.of(SyntheticBundles.text(vocabulary, k, 50, 42));
        ws = model.newWorkspace();
        Random r = new Random(1);
        indices = new int[1024][];
        values = new float[1024][nnz];
        for (int i = 0; i < 1024; i++) {
            indices[i] = r.ints(0, vocabulary).distinct().limit(nnz).sorted().toArray();
            for (int j = 0; j < nnz; j++) {
                values[i][j] = 1 + r.nextInt(3);
            }
        }
    }

    @Benchmark
    public double assign() {
        int i = next++ & 1023;
        model.assignSparse(indices[i], values[i], nnz, ws);
        return ws.posterior() + ws.surrogateZ();
    }
}
