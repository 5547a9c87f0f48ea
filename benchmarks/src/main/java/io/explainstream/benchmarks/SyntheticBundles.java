package io.explainstream.benchmarks;

import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.FeatureSpace;
import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.bundle.Scaler;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;
import io.explainstream.bundle.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Random bundles shaped like fitted ones: K groups whose region φ_k and explanation θ_k each have s non-zero
 * weights (the GIME top-s mask: s = 5 tabular, 50 text), over d features.
 */
public final class SyntheticBundles {
    private SyntheticBundles() {
    }

    public static ModelBundle tabular(int d, int k, int s, long seed) {
        Random r = new Random(seed);
        double[] center = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            center[j] = r.nextGaussian();
            scale[j] = 0.5 + r.nextDouble();
        }
        return bundle(FeatureKind.TABULAR, d, k, s, new Scaler(center, scale), r);
    }

    static ModelBundle text(int vocabulary, int k, int s, long seed) {
        Random r = new Random(seed);
        double[] scale = new double[vocabulary];
        Arrays.fill(scale, 1.0);
        return bundle(FeatureKind.TEXT, vocabulary, k, s, new Scaler(null, scale), r);
    }

    private static ModelBundle bundle(FeatureKind kind, int d, int k, int s, Scaler scaler, Random r) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        List<GroupSpec> groups = new ArrayList<>(k);
        for (int g = 0; g < k; g++) {
            groups.add(new GroupSpec(g, sparse(d, Math.min(s, d), r), sparse(d, Math.min(s, d), r),
                    r.nextGaussian(), 100, 0.2));
        }
        return new ModelBundle(ModelBundle.FORMAT_VERSION, "bench", "bench-1", Task.REGRESSION,
                new FeatureSpace(kind, names), scaler, new TargetScale(0, 1, null), new GimeSpec(2.0, groups),
                new RoutingThresholds(0.5, 1.0), null, null);
    }

    private static SparseWeights sparse(int d, int s, Random r) {
        int[] idx = r.ints(0, d).distinct().limit(s).sorted().toArray();
        double[] v = new double[s];
        for (int i = 0; i < s; i++) {
            v[i] = r.nextGaussian();
        }
        return new SparseWeights(idx, v);
    }
}
