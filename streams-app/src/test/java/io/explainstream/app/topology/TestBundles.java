package io.explainstream.app.topology;

import io.explainstream.testkit.TestOnnxModels;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.FeatureSpace;
import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.bundle.Scaler;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;
import io.explainstream.bundle.Task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small hand-made bundles with known numbers, so tests can compute the expected results themselves. */
public final class TestBundles {
    public static final String MODEL_ID = "test-model";
    public static final double[] CENTER = {1, 2, 3, 4};
    public static final double[] SCALE = {1, 2, 0.5, 4};
    public static final double TARGET_MEAN = 10;
    public static final double TARGET_SCALE = 2;
    public static final double TAU = 3;
    public static final int[][] PHI_INDEX = {{0, 1}, {2, 3}, {0, 3}};
    public static final double[][] PHI = {{1, 0.5}, {1, -1}, {-1, 1}};
    public static final int[][] THETA_INDEX = {{0, 2}, {1, 3}, {2}};
    public static final double[][] THETA = {{0.8, -0.3}, {0.5, 0.25}, {1.0}};
    public static final double[] INTERCEPT = {0.1, -0.2, 0};
    public static final float[] L2E_WEIGHTS = {0.5f, -1f, 2f, 0.25f};

    private TestBundles() {
    }

    /** A tabular bundle: 4 z-scored features, 3 groups, routing at posterior 0.5 and residual 1.0. */
    public static ModelBundle tabular(L2eSpec l2e) {
        List<GroupSpec> groups = List.of(group(0), group(1), group(2));
        return new ModelBundle(ModelBundle.FORMAT_VERSION, MODEL_ID, "test-bundle-1", Task.REGRESSION,
                new FeatureSpace(FeatureKind.TABULAR, List.of("f0", "f1", "f2", "f3")),
                new Scaler(CENTER.clone(), SCALE.clone()), new TargetScale(TARGET_MEAN, TARGET_SCALE, null),
                new GimeSpec(TAU, groups), new RoutingThresholds(0.5, 1.0), l2e, Map.of("source", "test"));
    }

    /** A bag-of-words bundle: 6 words, no centering, 2 groups. */
    public static ModelBundle text() {
        List<GroupSpec> groups = List.of(
                new GroupSpec(0, new SparseWeights(new int[]{0, 2}, new double[]{1, 1}),
                        new SparseWeights(new int[]{0, 2, 5}, new double[]{0.7, 0.2, -0.4}), 0.05, 10, null),
                new GroupSpec(1, new SparseWeights(new int[]{1, 4}, new double[]{1, 0.5}),
                        new SparseWeights(new int[]{1, 4}, new double[]{-0.6, 0.3}), -0.1, 10, null));
        return new ModelBundle(ModelBundle.FORMAT_VERSION, "text-model", "text-bundle-1", Task.CLASSIFICATION,
                new FeatureSpace(FeatureKind.TEXT, List.of("good", "bad", "great", "the", "awful", "plot")),
                new Scaler(null, new double[]{1, 0.5, 2, 1, 1, 1}), new TargetScale(0.5, 0.25, List.of("neg", "pos")),
                new GimeSpec(2, groups), new RoutingThresholds(0.0, 100), null, Map.of());
    }

    public static LoadedBundle write(ModelBundle b, Path dir) {
        return BundleIo.write(b, dir, null);
    }

    /** The tabular bundle with the linear test ONNX explainer (scores = x' * L2E_WEIGHTS * f_z). */
    public static LoadedBundle tabularWithL2e(Path dir, boolean withLabels) throws IOException {
        Path onnx = TestOnnxModels.writeLinearExplainer(dir.resolve("source.onnx"), 4, L2E_WEIGHTS, withLabels);
        L2eSpec spec = TestOnnxModels.spec("l2e.onnx", withLabels);
        return BundleIo.write(tabular(spec), dir.resolve("bundle"), onnx);
    }

    private static GroupSpec group(int k) {
        return new GroupSpec(k, new SparseWeights(PHI_INDEX[k], PHI[k]), new SparseWeights(THETA_INDEX[k], THETA[k]),
                INTERCEPT[k], 100, 0.2);
    }

    /** z-scored features of a raw tabular vector. */
    public static double[] scaled(float[] raw) {
        double[] x = new double[raw.length];
        for (int j = 0; j < raw.length; j++) {
            x[j] = (raw[j] - CENTER[j]) / SCALE[j];
        }
        return x;
    }

    /** The softmax posteriors p(k|x) computed directly from the definition. */
    public static double[] posteriors(double[] x) {
        double xn = 0;
        for (double v : x) {
            xn += v * v;
        }
        xn = Math.sqrt(xn);
        double[] logits = new double[PHI.length];
        double sum = 0;
        for (int k = 0; k < PHI.length; k++) {
            double[] phi = new double[x.length];
            for (int i = 0; i < PHI_INDEX[k].length; i++) {
                phi[PHI_INDEX[k][i]] = PHI[k][i];
            }
            double dot = 0;
            double pn = 0;
            for (int j = 0; j < x.length; j++) {
                dot += phi[j] * x[j];
                pn += phi[j] * phi[j];
            }
            logits[k] = TAU * dot / (Math.sqrt(pn) * xn);
        }
        for (double l : logits) {
            sum += Math.exp(l);
        }
        double[] p = new double[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(logits[k]) / sum;
        }
        return p;
    }

    /** g_k(x) in z-units. */
    public static double surrogate(int k, double[] x) {
        double g = INTERCEPT[k];
        for (int i = 0; i < THETA_INDEX[k].length; i++) {
            g += THETA[k][i] * x[THETA_INDEX[k][i]];
        }
        return g;
    }

    public static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
