package io.explainstream.app.l2e;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.testkit.TestOnnxModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The present layout (spec with inputIndices) behind the dense {@link L2eExplainer} interface. */
class OnnxL2eExplainerPresentLayoutTest {

    private static final int D = LinearExplainerFixture.D;
    private static final float[] W = LinearExplainerFixture.W;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private OnnxL2eExplainer openPresent(boolean withLabels) {
        Path file = TestOnnxModels.writePresentLinearExplainer(dir.resolve("l2e.onnx"), D, W, withLabels);
        return OnnxL2eExplainer.open(file, TestOnnxModels.presentSpec("l2e.onnx", withLabels), D, ProviderChoice.CPU,
                meters);
    }

    /**
     * Sparse rows: row i has (i mod 8) non-zeros at random features (0 to 7, so the batch has rows of every length
     * including empty and full ones); every 5th row holds only feature 0, the padding id.
     */
    private static float[][] sparseRows(Random rnd, int n) {
        float[][] x = new float[n][D];
        for (int i = 0; i < n; i++) {
            if (i % 5 == 4) {
                x[i][0] = 3f;
                continue;
            }
            int nnz = i % 8;
            for (int placed = 0; placed < nnz; ) {
                int j = rnd.nextInt(D);
                if (x[i][j] == 0) {
                    x[i][j] = (float) (rnd.nextGaussian() * 1.5 + (rnd.nextBoolean() ? 0.5 : -0.5));
                    placed += x[i][j] != 0 ? 1 : 0;
                }
            }
        }
        return x;
    }

    /** Present features: the linear explainer's score and label; absent ones: exactly 0 and NEUTRAL. */
    private static void assertExplained(float[][] x, float[] y, int n, L2eResult r) {
        assertEquals(n, r.size());
        for (int i = 0; i < n; i++) {
            float[] expected = TestOnnxModels.expectedScores(x[i], W, y[i]);
            Label[] labels = TestOnnxModels.expectedLabels(expected, x[i]);
            for (int j = 0; j < D; j++) {
                float s = r.scores()[i][j];
                if (x[i][j] == 0) {
                    assertEquals(0f, s, "absent feature " + j + " of row " + i);
                    if (r.labels() != null) {
                        assertEquals(Label.NEUTRAL, r.labels()[i][j], "absent feature " + j + " of row " + i);
                    }
                    continue;
                }
                assertEquals(expected[j], s, 1e-6f, "row " + i + " feature " + j);
                if (r.labels() != null && !LinearExplainerFixture.nearLabelBoundary(s)) {
                    assertEquals(labels[j], r.labels()[i][j], "row " + i + " feature " + j);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64})
    void scoresAndLabelsMatchTheHandComputation(int n) {
        Random rnd = new Random(17 + n);
        float[][] x = sparseRows(rnd, n);
        float[] y = LinearExplainerFixture.predictions(rnd, n);
        try (OnnxL2eExplainer explainer = openPresent(true)) {
            L2eResult r = explainer.explain(x, y, n);
            assertExplained(x, y, n, r);
        }
    }

    @Test
    void everyLabelIsReachableAndMatchesTheDenseModel() {
        float[] xs = {-6f, -3f, 0f, 3f, 6f};
        float[][] x = new float[xs.length][D];
        float[] y = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            x[i][0] = xs[i];
            x[i][2] = 3f;
            x[i][1] = 3f;
            y[i] = 1f;
        }
        Path dense = TestOnnxModels.writeLinearExplainer(dir.resolve("dense.onnx"), D, W, true);
        try (OnnxL2eExplainer present = openPresent(true);
             OnnxL2eExplainer reference = OnnxL2eExplainer.open(dense, TestOnnxModels.spec("dense.onnx", true), D,
                     ProviderChoice.CPU, null)) {
            L2eResult r = present.explain(x, y, xs.length);
            L2eResult ref = reference.explain(x, y, xs.length);
            for (int i = 0; i < xs.length; i++) {
                assertEquals(Label.values()[i], r.labels()[i][0], "score " + r.scores()[i][0]);
                assertEquals(Label.HIGH_POSITIVE, r.labels()[i][2], "score 6");
                assertEquals(Label.HIGH_NEGATIVE, r.labels()[i][1], "score -3.75");
                assertArrayEquals(ref.scores()[i], r.scores()[i], 0f);
                assertArrayEquals(ref.labels()[i], r.labels()[i]);
            }
        }
    }

    @Test
    void reusedBuffersFollowChangingBatchSizesAndSlotCounts() {
        Random rnd = new Random(9);
        try (OnnxL2eExplainer explainer = openPresent(false)) {
            for (int n : new int[]{64, 1, 100, 3, 64}) {
                float[][] x = sparseRows(rnd, n);
                float[] y = LinearExplainerFixture.predictions(rnd, n);
                L2eResult r = explainer.explain(x, y, n);
                assertNull(r.labels());
                assertExplained(x, y, n, r);
            }
            float[][] empty = new float[3][D];
            L2eResult r = explainer.explain(empty, new float[]{1f, 2f, 3f}, 3);
            for (float[] row : r.scores()) {
                assertArrayEquals(new float[D], row, 0f);
            }
            assertEquals(0, explainer.explain(empty, new float[3], 0).size());
        }
        for (String name : List.of(OnnxL2eExplainer.ENCODE_TIMER, OnnxL2eExplainer.INFERENCE_TIMER,
                OnnxL2eExplainer.DECODE_TIMER)) {
            assertEquals(6, meters.get(name).timer().count(), name);
        }
    }

    @Test
    void aDenseModelIsRefusedForAPresentSpec() {
        Path file = TestOnnxModels.writeLinearExplainer(dir.resolve("l2e.onnx"), D, W, true);
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.presentSpec("l2e.onnx", true), D, ProviderChoice.CPU, meters));
        assertEquals("l2e.onnx: input 'x' has shape [-1, 7], expected [N, L] (the bundle's L2E spec names "
                + "inputIndices 'idx': present layout, N and L dynamic)", e.getMessage());
    }

    @Test
    void aPresentModelIsRefusedForADenseSpec() {
        Path file = TestOnnxModels.writePresentLinearExplainer(dir.resolve("l2e.onnx"), D, W, true);
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("l2e.onnx", true), D, ProviderChoice.CPU, meters));
        assertEquals("l2e.onnx: the model has an input 'idx' that the L2E contract does not feed (only 'x' and "
                + "'y'); a present-layout model needs the bundle's L2E spec to name its indices input "
                + "(inputIndices)", e.getMessage());
    }

    @Test
    void aFixedSlotCountIsRefused() {
        Path file = TestOnnxModels.write(dir.resolve("l2e.onnx"), TestOnnxModels.presentLinearExplainer(D, W, true,
                20));
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.presentSpec("l2e.onnx", true), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("l2e.onnx: input 'x' has shape [-1, 20], expected [N, L]"),
                e.getMessage());
    }

    @Test
    void aFloatIndicesInputOrABlankIndicesNameIsRefused() {
        Path file = TestOnnxModels.writePresentLinearExplainer(dir.resolve("l2e.onnx"), D, W, false);
        L2eSpec floatIndices = new L2eSpec("l2e.onnx", "v", "none", "idx", "y", "scores", null, "x");
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file, floatIndices,
                D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("l2e.onnx: input 'idx' has element type"), e.getMessage());
        L2eSpec blank = new L2eSpec("l2e.onnx", "v", "none", "x", "y", "scores", null, " ");
        e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file, blank, D, ProviderChoice.CPU,
                meters));
        assertEquals("l2e.onnx: the bundle's L2E spec has no inputIndices", e.getMessage());
    }
}
