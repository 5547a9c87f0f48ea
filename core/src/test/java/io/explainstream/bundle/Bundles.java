package io.explainstream.bundle;

import java.util.List;
import java.util.Map;

/** A valid small bundle for tests. */
public final class Bundles {
    private Bundles() {
    }

    public static ModelBundle valid() {
        return new ModelBundle(ModelBundle.FORMAT_VERSION, "m", "v1", Task.REGRESSION,
                new FeatureSpace(FeatureKind.TABULAR, List.of("a", "b", "c")),
                new Scaler(new double[]{0, 1, 2}, new double[]{1, 2, 3}), new TargetScale(5, 2, null),
                new GimeSpec(2.0, List.of(
                        new GroupSpec(0, new SparseWeights(new int[]{0, 1}, new double[]{1, 1}),
                                new SparseWeights(new int[]{0}, new double[]{0.5}), 0.1, 10, 0.2),
                        new GroupSpec(1, new SparseWeights(new int[]{2}, new double[]{-1}),
                                new SparseWeights(new int[]{1, 2}, new double[]{0.3, -0.2}), -0.1, 12, null))),
                new RoutingThresholds(0.6, 1.5), null, Map.of("seed", 2020));
    }
}
