package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.bundle.LoadedBundle;

/**
 * Opens the L2E explainer of a bundle. The L2E stage acquires one in {@code init} and closes it in {@code close};
 * a factory may hand every task the same shared session (see {@link SharedL2eExplainers}).
 */
@FunctionalInterface
public interface L2eExplainerFactory {
    L2eExplainer open(LoadedBundle bundle, L2eSettings settings);
}
