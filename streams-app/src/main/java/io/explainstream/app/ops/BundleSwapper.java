package io.explainstream.app.ops;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.topology.L2eExplainerFactory;
import io.explainstream.app.topology.ModelHolder;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.InvalidBundleException;
import io.explainstream.bundle.LoadedBundle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Validates a candidate bundle and swaps it in: it must read and validate ({@code BundleIo.read}), fit the running
 * topology (same model; L2E present or absent as before) and, when this instance runs L2E, its ONNX explainer must
 * open. A refused bundle is logged with every reason and counted
 * ({@code explainstream_bundle_swaps_total{result="refused"}}); the bundle being served keeps serving. Keeps a lease
 * on the served bundle's L2E session so the tasks switch to an already open session.
 */
public final class BundleSwapper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleSwapper.class);

    private final ModelHolder models;
    private final L2eExplainerFactory explainers;
    private final L2eSettings l2e;
    private final boolean openL2e;
    private final MeterRegistry meters;
    private final Counter applied;
    private final Counter refused;
    private L2eExplainer lease;
    private Gauge info;
    private volatile String lastError;

    public BundleSwapper(ModelHolder models, L2eExplainerFactory explainers, L2eSettings l2e, boolean openL2e,
                         L2eExplainer initialLease, MeterRegistry meters) {
        this.models = models;
        this.explainers = explainers;
        this.l2e = l2e;
        this.openL2e = openL2e;
        this.meters = meters;
        this.lease = initialLease;
        this.applied = Counter.builder("explainstream.bundle.swaps").tag("result", "applied")
                .description("Model bundles swapped in (applied) or refused").register(meters);
        this.refused = Counter.builder("explainstream.bundle.swaps").tag("result", "refused")
                .description("Model bundles swapped in (applied) or refused").register(meters);
        Gauge.builder("explainstream.bundle.generation", models, m -> m.current().generation())
                .description("How many times the bundle was swapped since start").register(meters);
        registerInfo(models.current().bundle());
    }

    private void registerInfo(LoadedBundle b) {
        if (info != null) {
            meters.remove(info);
        }
        info = Gauge.builder("explainstream.bundle.info", () -> 1).tag("model", b.model().modelId())
                .tag("version", b.model().version()).description("The model bundle being served").register(meters);
    }

    /** The last refusal's reason, or null. */
    public String lastError() {
        return lastError;
    }

    /** Tries to serve the bundle at {@code location}; true when it was swapped in. */
    public synchronized boolean offer(Path location) {
        String from = models.current().version();
        LoadedBundle next;
        try {
            next = BundleIo.read(location);
        } catch (InvalidBundleException | java.io.UncheckedIOException e) {
            return refuse(location, e.getMessage());
        }
        String why = models.incompatibility(next);
        if (why != null) {
            return refuse(location, why);
        }
        L2eExplainer nextLease = null;
        if (openL2e && next.model().l2e() != null) {
            try {
                nextLease = explainers.open(next, l2e);
                if (nextLease.dimension() != next.model().dimension()) {
                    int d = nextLease.dimension();
                    nextLease.close();
                    return refuse(location, "its L2E explainer takes " + d + " features, the bundle has "
                            + next.model().dimension());
                }
            } catch (RuntimeException e) {
                return refuse(location, "its L2E explainer does not open: " + e.getMessage());
            }
        }
        models.swap(next);
        L2eExplainer old = lease;
        lease = nextLease;
        if (old != null) {
            old.close();
        }
        registerInfo(next);
        applied.increment();
        lastError = null;
        LOG.info("model bundle swapped: version {} -> {} (from {}; L2E {})", from, next.model().version(),
                next.directory(), next.model().l2e() == null ? "none" : next.model().l2e().version());
        return true;
    }

    private boolean refuse(Path location, String why) {
        refused.increment();
        lastError = why;
        LOG.error("refused the model bundle at {}: {}; still serving version {}", location, why,
                models.current().version());
        return false;
    }

    @Override
    public synchronized void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
