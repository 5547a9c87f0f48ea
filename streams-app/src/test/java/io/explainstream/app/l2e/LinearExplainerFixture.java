package io.explainstream.app.l2e;

import java.util.Random;

/**
 * The linear test explainer both ONNX layouts are checked against: D features, weights W (score_j = W_j·x_j·ŷ as in
 * testkit's TestOnnxModels), random predictions, and the label thresholds' neighbourhood where float rounding may
 * pick either side.
 */
final class LinearExplainerFixture {
    static final int D = 7;
    static final float[] W = {0.5f, -1.25f, 2f, 0f, 3.5f, -0.75f, 1f};

    private LinearExplainerFixture() {
    }

    static float[] predictions(Random rnd, int n) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) rnd.nextGaussian();
        }
        return y;
    }

    /** Whether a score is within 1e-4 of a label threshold (±1, ±2). */
    static boolean nearLabelBoundary(float s) {
        for (float b : new float[]{-2f, -1f, 1f, 2f}) {
            if (Math.abs(s - b) < 1e-4f) {
                return true;
            }
        }
        return false;
    }
}
