package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.config.Stage;
import io.explainstream.app.config.Topics;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.Router;

/**
 * Everything {@link ExplainTopology#buildTopology} needs: topics, stage, the loaded bundle, the effective routing
 * thresholds (the bundle's, or the configured overrides), L2E settings, the explanation size, and how to open the
 * L2E explainer.
 */
public record TopologySettings(Topics topics, Stage stage, LoadedBundle bundle, Router router, L2eSettings l2e,
                               int maxFeatures, L2eExplainerFactory l2eFactory) {

    /** Whether uncertain events are explained by L2E: enabled, and the bundle has an explainer. */
    public boolean l2eActive() {
        return l2e.enabled() && bundle.model().l2e() != null;
    }
}
