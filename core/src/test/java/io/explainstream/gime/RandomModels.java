package io.explainstream.gime;

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
import java.util.List;
import java.util.Random;

/**
 * Random GIME models for tests: d features, k groups; {@code shape} 0 or 1: equal region sizes of at most 8, 2: mixed
 * sizes of at most 8, otherwise mixed sizes, often above 8; explanations of up to 12 features.
 */
public final class RandomModels {
    private RandomModels() {
    }

    public static ModelBundle of(Random r, int d, int k, int shape, boolean centered) {
        double[] center = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            center[j] = r.nextGaussian();
            scale[j] = 0.25 + 2 * r.nextDouble();
        }
        List<GroupSpec> groups = new ArrayList<>();
        int s = 1 + r.nextInt(Math.min(d, 8));
        for (int g = 0; g < k; g++) {
            int regionSize = switch (shape) {
                case 0, 1 -> s; // equal sizes of at most 8: the padded straight-line path
                case 2 -> 1 + r.nextInt(Math.min(d, 8)); // mixed sizes of at most 8: padded
                default -> 1 + r.nextInt(d); // mixed, often above 8: the general loop
            };
            groups.add(new GroupSpec(g, sparse(r, d, regionSize), sparse(r, d, r.nextInt(Math.min(d, 12) + 1)),
                    r.nextGaussian(), 10, null));
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        return new ModelBundle(ModelBundle.FORMAT_VERSION, "m", "v", Task.REGRESSION,
                new FeatureSpace(FeatureKind.TABULAR, names), new Scaler(centered ? center : null, scale),
                new TargetScale(0, 1, null), new GimeSpec(0.5 + 8 * r.nextDouble(), groups),
                new RoutingThresholds(0.5, 1.0), null, null);
    }

    private static SparseWeights sparse(Random r, int d, int n) {
        int[] idx = r.ints(0, d).distinct().limit(n).sorted().toArray();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return new SparseWeights(idx, v);
    }
}
