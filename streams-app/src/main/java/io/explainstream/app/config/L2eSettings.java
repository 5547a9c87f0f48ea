package io.explainstream.app.config;

import io.explainstream.app.l2e.ProviderChoice;

import java.time.Duration;

/** How the L2E stage runs: whether at all, on which provider, and its micro-batch size and deadline. */
public record L2eSettings(boolean enabled, ProviderChoice provider, int batchSize, Duration maxWait,
                          int intraOpThreads) {
    public static L2eSettings defaults() {
        return new L2eSettings(true, ProviderChoice.AUTO, 64, Duration.ofMillis(20), 1);
    }
}
