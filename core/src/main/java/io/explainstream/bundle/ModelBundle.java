package io.explainstream.bundle;

import java.util.Map;

/**
 * The manifest of a model bundle ({@code bundle.json} in the bundle folder): everything the stream needs to
 * explain events of one model. Instances read by {@link BundleIo} have passed {@link BundleValidator}.
 */
public record ModelBundle(int formatVersion, String modelId, String version, Task task, FeatureSpace features,
                          Scaler scaler, TargetScale target, GimeSpec gime, RoutingThresholds routing, L2eSpec l2e,
                          Map<String, Object> provenance) {

    public static final int FORMAT_VERSION = 1;

    public int dimension() {
        return features.dimension();
    }

    public int groupCount() {
        return gime.groups().size();
    }

    public ModelBundle withRouting(RoutingThresholds newRouting) {
        return new ModelBundle(formatVersion, modelId, version, task, features, scaler, target, gime, newRouting, l2e,
                provenance);
    }

    public ModelBundle withL2e(L2eSpec newL2e) {
        return new ModelBundle(formatVersion, modelId, version, task, features, scaler, target, gime, routing, newL2e,
                provenance);
    }
}
