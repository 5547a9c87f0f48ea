package io.explainstream.trainer;

import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.FeatureSpace;
import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.bundle.Scaler;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.Task;
import io.explainstream.trainer.gime.GroupModel;
import io.explainstream.trainer.gime.Linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Turns a fitted GroupModel into the bundle manifest, and calibrates the routing thresholds. */
final class BundleMaker {
    private BundleMaker() {
    }

    static SparseWeights sparse(double[] v) {
        int nz = 0;
        for (double x : v) {
            if (x != 0) {
                nz++;
            }
        }
        int[] idx = new int[nz];
        double[] val = new double[nz];
        int k = 0;
        for (int j = 0; j < v.length; j++) {
            if (v[j] != 0) {
                idx[k] = j;
                val[k++] = v[j];
            }
        }
        return new SparseWeights(idx, val);
    }

    static ModelBundle manifest(String modelId, String version, Experiment ex, GroupModel model, long[] trainSizes,
                                Double[] groupRmse, Double[] groupShare, RoutingThresholds routing,
                                Map<String, Object> provenance) {
        List<GroupSpec> groups = new ArrayList<>();
        for (int k = 0; k < model.k(); k++) {
            Linear t = model.theta()[k];
            groups.add(new GroupSpec(k, sparse(model.phi()[k]), new SparseWeights(t.idx().clone(), t.w().clone()),
                    t.b(), trainSizes[k], groupRmse[k], groupShare[k]));
        }
        return new ModelBundle(ModelBundle.FORMAT_VERSION, modelId, version,
                ex.classification() ? Task.CLASSIFICATION : Task.REGRESSION,
                new FeatureSpace(ex.text() ? FeatureKind.TEXT : FeatureKind.TABULAR, ex.prep.data.names()),
                new Scaler(ex.prep.center == null ? null : ex.prep.center.clone(), ex.prep.scale.clone()),
                ex.prep.target, new GimeSpec(model.tau(), groups), routing, null, provenance);
    }

    /**
     * Thresholds such that about {@code share} of the reference instances are routed: a quarter of the budget goes
     * to the lowest posteriors, the rest to the highest residuals |g_k(x) − f(x)| among the others.
     */
    static RoutingThresholds calibrate(double[] posterior, double[] residual, double share) {
        int n = posterior.length;
        if (n == 0 || share <= 0) {
            return new RoutingThresholds(0.0, Double.MAX_VALUE, 0.0);
        }
        double[] p = posterior.clone();
        Arrays.sort(p);
        int lowCount = (int) Math.floor(n * share / 4);
        double minPost = lowCount == 0 ? 0.0 : p[Math.min(n - 1, lowCount)];
        if (lowCount > 0 && minPost == p[0]) {
            minPost = 0.0;
        }
        List<Double> rest = new ArrayList<>();
        int routedLow = 0;
        for (int i = 0; i < n; i++) {
            if (posterior[i] < minPost) {
                routedLow++;
            } else {
                rest.add(residual[i]);
            }
        }
        int need = (int) Math.round(n * share) - routedLow;
        double maxRes;
        if (need <= 0 || rest.isEmpty()) {
            maxRes = rest.stream().mapToDouble(Double::doubleValue).max().orElse(0) + 1e-9;
        } else {
            double[] r = rest.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int idx = Math.max(0, r.length - need - 1);
            maxRes = r[idx];
        }
        int routed = 0;
        for (int i = 0; i < n; i++) {
            if (posterior[i] < minPost || residual[i] > maxRes) {
                routed++;
            }
        }
        return new RoutingThresholds(minPost, Math.max(0, maxRes), routed / (double) n);
    }
}
