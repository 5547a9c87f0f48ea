package io.explainstream.app.fidelity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The fidelity gauges of each group (the last published window) and the drift-alarm meters, once per JVM. */
public final class FidelityGauges {
    public static final String RMSE = "explainstream.fidelity.rmse";
    public static final String EXPECTED_RMSE = "explainstream.fidelity.expected.rmse";
    public static final String EVENTS = "explainstream.fidelity.window.events";
    public static final String COVERAGE = "explainstream.fidelity.coverage";
    public static final String L2E_SHARE = "explainstream.fidelity.l2e.share";
    public static final String EXPECTED_L2E_SHARE = "explainstream.fidelity.expected.l2e.share";
    public static final String LABEL_AGREEMENT = "explainstream.fidelity.label.agreement";
    public static final String WINDOWS = "explainstream.fidelity.windows";
    public static final String LATE = "explainstream.fidelity.late.partials";
    public static final String LATE_DISCARDED = "explainstream.fidelity.late.discarded";
    public static final String DRIFT_ACTIVE = "explainstream.drift.active";
    public static final String DRIFT_ALARMS = "explainstream.drift.alarms";

    private static final Map<Integer, Group> GROUPS = new ConcurrentHashMap<>();
    private static final Map<String, Drift> DRIFTS = new ConcurrentHashMap<>();

    private FidelityGauges() {
    }

    static final class Group {
        volatile double rmse;
        volatile double expectedRmse = Double.NaN;
        volatile double events;
        volatile double coverage;
        volatile double l2eShare;
        volatile double expectedL2eShare = Double.NaN;
        volatile double labelAgreement = Double.NaN;
    }

    static final class Drift {
        volatile double active;
        Counter alarms;
    }

    static Group group(int id) {
        return GROUPS.computeIfAbsent(id, k -> {
            Group g = new Group();
            String tag = Integer.toString(k);
            Gauge.builder(RMSE, g, x -> x.rmse).tag("group", tag).strongReference(true)
                    .description("RMSE of g_k(x) vs f(x), z-units, in the group's last fidelity window")
                    .register(Metrics.globalRegistry);
            Gauge.builder(EXPECTED_RMSE, g, x -> x.expectedRmse).tag("group", tag).strongReference(true)
                    .description("The group's fidelity RMSE measured by the trainer (bundle)")
                    .register(Metrics.globalRegistry);
            Gauge.builder(EVENTS, g, x -> x.events).tag("group", tag).strongReference(true)
                    .description("Events in the group's last fidelity window").register(Metrics.globalRegistry);
            Gauge.builder(COVERAGE, g, x -> x.coverage).tag("group", tag).strongReference(true)
                    .description("Share of the last window's events at or above the posterior threshold")
                    .register(Metrics.globalRegistry);
            Gauge.builder(L2E_SHARE, g, x -> x.l2eShare).tag("group", tag).strongReference(true)
                    .description("Share of the last window's events routed to L2E").register(Metrics.globalRegistry);
            Gauge.builder(EXPECTED_L2E_SHARE, g, x -> x.expectedL2eShare).tag("group", tag).strongReference(true)
                    .description("Share routed to L2E at fit time (bundle)").register(Metrics.globalRegistry);
            Gauge.builder(LABEL_AGREEMENT, g, x -> x.labelAgreement).tag("group", tag).strongReference(true)
                    .description("Classifiers: share of the last window's events whose surrogate agrees with the "
                            + "model's label (NaN for regression)").register(Metrics.globalRegistry);
            for (String metric : new String[]{"RMSE", "L2E_SHARE"}) {
                drift(k, metric);
            }
            return g;
        });
    }

    static Drift drift(int group, String metric) {
        return DRIFTS.computeIfAbsent(group + "/" + metric, k -> {
            Drift d = new Drift();
            String tag = Integer.toString(group);
            Gauge.builder(DRIFT_ACTIVE, d, x -> x.active).tag("group", tag).tag("metric", metric)
                    .strongReference(true).description("1 while the group's fidelity is in a drift alarm")
                    .register(Metrics.globalRegistry);
            d.alarms = Counter.builder(DRIFT_ALARMS).tag("group", tag).tag("metric", metric)
                    .description("Fidelity drift alarms raised").register(Metrics.globalRegistry);
            return d;
        });
    }

    static Counter windows() {
        return Metrics.counter(WINDOWS);
    }

    static Counter late() {
        return Metrics.counter(LATE);
    }

    static Counter lateDiscarded() {
        return Counter.builder(LATE_DISCARDED).description("Partial fidelity sums that arrived after their window "
                + "was forgotten (not in any published window)").register(Metrics.globalRegistry);
    }
}
