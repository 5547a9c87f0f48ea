package io.explainstream.loadtest;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a stream thread's wall time goes while it waits on Kafka, from the cumulative time metrics of Kafka Streams
 * and its clients: the total Kafka Streams counts as blocked ({@code blocked-time-ns-total}, KIP-761: the consumer's
 * time waiting for and doing network I/O, its commits, and the producer's blocking calls) and some of its parts
 * (waiting in poll, the producer's flush, the transaction calls, waiting for producer buffer space). Summed over all
 * threads and clients of one {@link KafkaStreams}; with one stream thread, shares of its wall time.
 */
final class StreamThreadWaits {
    private static final String BLOCKED = "blocked";
    private static final List<String> PARTS = List.of("blocked-time-ns-total", "io-wait-time-ns-total",
            "flush-time-ns-total", "txn-commit-time-ns-total", "txn-send-offsets-time-ns-total",
            "txn-begin-time-ns-total", "bufferpool-wait-time-ns-total", "commit-sync-time-ns-total");

    private StreamThreadWaits() {
    }

    /** The cumulative nanoseconds of each metric above, summed over the instance's threads and main clients. */
    static Map<String, Double> read(KafkaStreams streams) {
        Map<String, Double> sums = new LinkedHashMap<>();
        PARTS.forEach(p -> sums.put(p, 0.0));
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (!sums.containsKey(n.name()) || !counts(n)) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Number number) {
                sums.merge(n.name(), number.doubleValue(), Double::sum);
            }
        }
        return sums;
    }

    /** Each metric's growth between two readings as a share of the wall time between them. */
    static Map<String, Double> shares(Map<String, Double> before, Map<String, Double> after, long wallNanos) {
        Map<String, Double> shares = new LinkedHashMap<>();
        after.forEach((k, v) -> shares.put(name(k),
                Math.round((v - before.getOrDefault(k, 0.0)) / wallNanos * 1000) / 1000.0));
        return shares;
    }

    private static boolean counts(MetricName n) {
        String group = n.group();
        String client = n.tags().getOrDefault("client-id", "");
        if (n.name().equals("io-wait-time-ns-total")) {
            return group.equals("consumer-metrics") && client.endsWith("-consumer") && !client.contains("restore");
        }
        return !client.contains("restore") && !client.contains("global") && !client.contains("admin");
    }

    private static String name(String metric) {
        return metric.equals("blocked-time-ns-total") ? BLOCKED
                : metric.replace("-time-ns-total", "").replace("-", "_");
    }
}
