package io.explainstream.loadtest;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reconciles output + DLQ against the input by key (read_committed): event {@code i} has key {@code ev-i}; every
 * acknowledged key must come out exactly once, in either topic.
 */
final class Reconciler {
    private static final String PREFIX = "ev-";

    private Reconciler() {
    }

    record Result(long out, long dlq, List<String> lost, List<String> duplicated, List<String> unexpected) {
    }

    static byte[] key(int i) {
        return (PREFIX + i).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads both topics from the start until every acknowledged key came out and 5 s pass without a record, or
     * {@code timeoutNanos} pass. {@code sent} bounds the keys (a key sent but not acknowledged is neither expected
     * nor unexpected).
     */
    static Result read(String bootstrapServers, String output, String dlq, BitSet acked, long sent,
                       long timeoutNanos) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-reconcile-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int[] seen = new int[(int) sent];
        List<String> unexpected = new ArrayList<>();
        long out = 0;
        long dead = 0;
        int distinct = 0;
        int expected;
        synchronized (acked) {
            expected = acked.cardinality();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(output, dlq));
            long deadline = System.nanoTime() + timeoutNanos;
            long lastRecord = System.nanoTime();
            while (System.nanoTime() < deadline) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    any = true;
                    if (r.topic().equals(dlq)) {
                        dead++;
                    } else {
                        out++;
                    }
                    int i = index(r.key());
                    if (i < 0 || i >= seen.length || !acked.get(i)) {
                        unexpected.add(r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8));
                    } else if (seen[i]++ == 0) {
                        distinct++;
                    }
                }
                if (any) {
                    lastRecord = System.nanoTime();
                } else if (distinct >= expected && System.nanoTime() - lastRecord > 5_000_000_000L) {
                    break;
                }
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (acked.get(i) && seen[i] == 0) {
                lost.add(PREFIX + i);
            } else if (seen[i] > 1) {
                duplicated.add(PREFIX + i);
            }
        }
        return new Result(out, dead, lost, duplicated, unexpected);
    }

    private static int index(byte[] key) {
        if (key == null) {
            return -1;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        if (!k.startsWith(PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(k.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
