package io.explainstream.trainer.l2e;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

/**
 * Opt-in timing of the two ONNX layouts through {@link L2eOnnx} on a text-sized explainer (d = 8300, hidden 4, random
 * weights: the cost does not depend on them) and rows of 20 distinct words: {@code -Dl2e.timing=true}. Prints ms per
 * row batched (64) and one at a time, the best of 5 rounds; asserts nothing.
 */
@EnabledIfSystemProperty(named = "l2e.timing", matches = "true")
class L2eLayoutTimingTest {
    private static final int D = 8300;
    private static final int HIDDEN = 4;
    private static final int WORDS = 20;
    private static final int ROWS = 2000;

    @Test
    void presentVersusDenseLayout(@TempDir Path dir) {
        Random rng = new Random(3);
        DistilledExplainer m = randomExplainer(rng);
        Rows.Builder b = new Rows.Builder(D);
        double[] y = new double[ROWS];
        double[] values = new double[WORDS];
        for (int i = 0; i < ROWS; i++) {
            int[] cols = rng.ints(0, D).distinct().limit(WORDS).sorted().toArray();
            for (int k = 0; k < WORDS; k++) {
                values[k] = 0.5 + rng.nextDouble();
            }
            b.add(cols, values, WORDS);
            y[i] = rng.nextGaussian();
        }
        Rows x = b.build();
        for (OnnxExport.Layout layout : OnnxExport.Layout.values()) {
            Path folder = dir.resolve(layout.name());
            L2eSpec spec = OnnxExport.write(m, "synthetic", folder, layout);
            try (L2eOnnx onnx = L2eOnnx.open(folder.resolve(spec.file()), spec, D, 64, 1)) {
                double batched = Double.MAX_VALUE;
                double single = Double.MAX_VALUE;
                for (int round = 0; round < 5; round++) {
                    long t = System.nanoTime();
                    onnx.explain(x, y);
                    batched = Math.min(batched, (System.nanoTime() - t) / 1e6 / ROWS);
                    t = System.nanoTime();
                    for (int i = 0; i < ROWS; i++) {
                        onnx.explainOne(x, i, y[i]);
                    }
                    single = Math.min(single, (System.nanoTime() - t) / 1e6 / ROWS);
                }
                System.out.printf("l2e %s layout (d=%d, %d words, hidden %d): batched (64) %.4f ms/row, one at a "
                        + "time %.4f ms/row%n", layout, D, WORDS, HIDDEN, batched, single);
            }
        }
    }

    private static DistilledExplainer randomExplainer(Random rng) {
        int c = DistilledExplainer.CHANNELS;
        return new DistilledExplainer(D, HIDDEN, true, Float.NaN, gaussian(rng, D * HIDDEN), gaussian(rng, HIDDEN),
                gaussian(rng, HIDDEN), gaussian(rng, D * c * HIDDEN), gaussian(rng, D * c * HIDDEN),
                gaussian(rng, D * c), gaussian(rng, D * c), 1, 1, 0, 0);
    }

    private static float[] gaussian(Random rng, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rng.nextGaussian() * 0.3);
        }
        return v;
    }
}
