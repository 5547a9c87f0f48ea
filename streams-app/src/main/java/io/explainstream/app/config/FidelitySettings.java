package io.explainstream.app.config;

import java.time.Duration;

/**
 * Online fidelity monitoring: whether it runs, its topics (windows, alerts, and the one-partition topic carrying
 * each task's partial sums to the merging task), the tumbling window size and grace on record timestamps, how often
 * partial sums are flushed, and the drift-alarm bounds.
 */
public record FidelitySettings(boolean enabled, String topic, String alertsTopic, String partialsTopic,
                               Duration window, Duration grace, Duration flush, long minCount, DriftBounds drift) {

    /** Defaults (enabled, one-minute windows), with the partials topic of application {@code applicationId}. */
    public static FidelitySettings defaults(String applicationId) {
        return new FidelitySettings(true, ConfigKeys.TOPIC_FIDELITY.defaultValue(),
                ConfigKeys.TOPIC_ALERTS.defaultValue(), partialsTopicOf(applicationId), Duration.ofMinutes(1),
                Duration.ofSeconds(10), Duration.ofSeconds(1), 20, DriftBounds.defaults());
    }

    public static FidelitySettings disabled() {
        FidelitySettings d = defaults("explainstream");
        return new FidelitySettings(false, d.topic, d.alertsTopic, d.partialsTopic, d.window, d.grace, d.flush,
                d.minCount, d.drift);
    }

    public static String partialsTopicOf(String applicationId) {
        return applicationId + "-fidelity-partials";
    }

    /**
     * When a window is out of bounds: its RMSE above {@code rmseFactor * expected + rmseMargin}, or its L2E share
     * further than {@code l2eShareTolerance} from the expected share; {@code windows} in a row raise an alarm.
     */
    public record DriftBounds(double rmseFactor, double rmseMargin, double l2eShareTolerance, int windows) {
        public static DriftBounds defaults() {
            return new DriftBounds(1.5, 0.05, 0.15, 3);
        }

        public double rmseBound(double expected) {
            return rmseFactor * expected + rmseMargin;
        }
    }
}
