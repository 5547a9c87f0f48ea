package io.explainstream.benchmarks;

import io.explainstream.app.l2e.L2eResult;
import io.explainstream.app.l2e.OnnxL2eExplainer;
import io.explainstream.app.l2e.ProviderChoice;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The served L2E stage's explainer ({@link OnnxL2eExplainer}: encode, ONNX Runtime on CPU, decode) on the demo's
 * trained bundles — {@code wine} (dense layout, d = 11) and {@code polarity} (present layout, d = 8300, 20 words per
 * row) — by micro-batch size. One operation is one batch: divide by {@code batch} for the time per explanation.
 * The bundles are read from {@code demo/src/main/resources/...} (run from the repository root, as run-jmh.sh does;
 * {@code -Dexplainstream.bundles=DIR} points elsewhere). {@code provider} AUTO picks CUDA when it is usable.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class L2eInferenceBenchmark {
    @Param({"wine", "polarity"})
    String bundle;

    @Param({"1", "8", "64", "256", "1024"})
    int batch;

    @Param({"CPU"})
    String provider;

    private OnnxL2eExplainer explainer;
    private float[][] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setup() {
        Path dir = Path.of(System.getProperty("explainstream.bundles",
                "demo/src/main/resources/io/explainstream/demo/bundles")).resolve(bundle);
        LoadedBundle b = BundleIo.read(dir);
        int d = b.model().dimension();
        explainer = OnnxL2eExplainer.open(b.l2eModelFile().orElseThrow(), b.model().l2e(), d,
                ProviderChoice.valueOf(provider), 1, null);
        Random r = new Random(7);
        x = new float[batch][d];
        y = new float[batch];
        boolean text = b.model().features().kind() == io.explainstream.bundle.FeatureKind.TEXT;
        for (int i = 0; i < batch; i++) {
            if (text) {
                for (int w = 0; w < 20; w++) {
                    x[i][r.nextInt(d)] = 1f;
                }
            } else {
                for (int j = 0; j < d; j++) {
                    x[i][j] = (float) r.nextGaussian();
                }
            }
            y[i] = text ? r.nextFloat() : (float) r.nextGaussian();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        explainer.close();
    }

    @Benchmark
    public L2eResult explainBatch() {
        return explainer.explain(x, y, batch);
    }
}
