package io.explainstream.app.topology;

import io.explainstream.app.config.FidelitySettings;
import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.config.Stage;
import io.explainstream.app.config.Topics;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.Router;

/**
 * Everything {@link ExplainTopology#buildTopology} needs: topics, stage, the bundle served at start and the holder
 * through which it can be swapped at run time ({@code models}), the effective routing thresholds (the bundle's, or
 * the configured overrides), L2E settings, the explanation size, how to open the L2E explainer, and the online
 * fidelity monitoring settings.
 */
public record TopologySettings(Topics topics, Stage stage, LoadedBundle bundle, Router router, L2eSettings l2e,
                               int maxFeatures, L2eExplainerFactory l2eFactory, ModelHolder models,
                               FidelitySettings fidelity) {

    /** A fixed bundle (no hot-swap) and no fidelity monitoring. */
    public TopologySettings(Topics topics, Stage stage, LoadedBundle bundle, Router router, L2eSettings l2e,
                            int maxFeatures, L2eExplainerFactory l2eFactory) {
        this(topics, stage, bundle, router, l2e, maxFeatures, l2eFactory, ModelHolder.fixed(bundle, router),
                FidelitySettings.disabled());
    }

    /** Whether uncertain events are explained by L2E: enabled, and the bundle has an explainer. */
    public boolean l2eActive() {
        return l2e.enabled() && bundle.model().l2e() != null;
    }

    /** Whether the GIME stage runs here and measures fidelity. */
    public boolean fidelityActive() {
        return fidelity.enabled() && stage != Stage.L2E;
    }
}
