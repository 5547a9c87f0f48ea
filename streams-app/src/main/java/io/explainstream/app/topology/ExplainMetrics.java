package io.explainstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The per-event meters of the explaining topology (registered once per JVM in Micrometer's global registry). */
final class ExplainMetrics {
    static final String END_TO_END = "explainstream.end.to.end.latency";
    static final String POSTERIOR = "explainstream.posterior";
    static final String GROUP_EVENTS = "explainstream.group.events";
    static final String EVENTS_READ = "explainstream.events.read";

    private static final double[] POSTERIOR_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};

    private ExplainMetrics() {
    }

    /** Event time to output, as a Prometheus histogram ({@code explainstream_end_to_end_latency_seconds_bucket}). */
    static Timer endToEnd(String source) {
        return Timer.builder(END_TO_END).tag("source", source)
                .description("From the event's eventTime to its explained output being produced")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(Metrics.globalRegistry);
    }

    static void recordEndToEnd(Timer t, long eventTimeMillis) {
        recordEndToEnd(t, eventTimeMillis, System.currentTimeMillis());
    }

    static void recordEndToEnd(Timer t, long eventTimeMillis, long nowMillis) {
        t.record(Math.max(0, nowMillis - eventTimeMillis), TimeUnit.MILLISECONDS);
    }

    /** The top posterior p(k|x) of every assigned event. */
    static DistributionSummary posterior() {
        return DistributionSummary.builder(POSTERIOR).description("Top posterior p(k|x) of each assigned event")
                .serviceLevelObjectives(POSTERIOR_BUCKETS).register(Metrics.globalRegistry);
    }

    /**
     * Events the GIME stage read: {@code raw}, straight from the bytes of a record written with the current schema,
     * or {@code decoded} by the Avro deserializer (another writer schema, an event that fails a check, or one sent to
     * the l2e-requests topic).
     */
    static Counter eventsRead(String path) {
        return Counter.builder(EVENTS_READ).tag("path", path)
                .description("Events the GIME stage read from their bytes (raw) or decoded with Avro (decoded)")
                .register(Metrics.globalRegistry);
    }

    /** Events assigned to each group. */
    static Counter[] groupCounters(int groups) {
        Counter[] c = new Counter[groups];
        for (int k = 0; k < groups; k++) {
            c[k] = Counter.builder(GROUP_EVENTS).tag("group", Integer.toString(k))
                    .description("Events assigned to the group").register(Metrics.globalRegistry);
        }
        return c;
    }
}
