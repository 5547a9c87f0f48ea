package io.explainstream.loadtest;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows how many committed records a topic has gained since it was opened, from the topic's last stable offsets
 * (a read_committed consumer's end offsets, asked every few milliseconds), without fetching the records: following a
 * topology's output then costs the shared machine a small request per interval rather than reading every output
 * byte back, which would weigh more on topologies whose records are larger. Under exactly-once, each transaction's
 * commit marker takes an offset too, so the count runs ahead by one per written partition and commit (a few hundred
 * in a drain of a million records).
 */
final class OutputProgress implements AutoCloseable {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> start;
    private final long startTotal;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long count;

    OutputProgress(String bootstrapServers, Map<String, String> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, CpuAccount.COUNTER_CLIENT + "-" + UUID.randomUUID());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        start = consumer.endOffsets(partitions);
        startTotal = sum(start);
        thread = new Thread(this::loop, CpuAccount.COUNTER_CLIENT + "-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stop.get()) {
            try {
                count = sum(consumer.endOffsets(partitions)) - startTotal;
            } catch (KafkaException e) {
                System.err.printf("explainstream loadtest: cannot read the end offsets of %s (%s); retrying%n",
                        partitions.get(0).topic(), e);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Committed records (and, under exactly-once, commit markers) added since this was opened. */
    long count() {
        return count;
    }

    /**
     * Stops following, then reads up to {@code perPartition} committed records from the middle of what each partition
     * gained (away from a start-up or a final flush that may differ) and returns their mean serialized value size in
     * bytes (NaN when there are none).
     */
    double stopAndSampleValueBytes(int perPartition) throws InterruptedException {
        halt();
        Map<TopicPartition, Long> gained = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> ends = new HashMap<>();
        consumer.assign(partitions);
        long wanted = 0;
        for (TopicPartition tp : partitions) {
            long from = start.get(tp);
            long to = gained.get(tp);
            long middle = from + (to - from) / 2;
            long first = Math.max(from, middle - perPartition / 2);
            long last = Math.min(to, first + perPartition);
            consumer.seek(tp, first);
            ends.put(tp, last);
            wanted += last - first;
        }
        long records = 0;
        long bytes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (wanted > 0 && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    records++;
                    bytes += Math.max(0, r.serializedValueSize());
                    wanted--;
                }
            }
            if (partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
                break;
            }
        }
        return records == 0 ? Double.NaN : (double) bytes / records;
    }

    private void halt() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }

    @Override
    public void close() throws InterruptedException {
        halt();
        consumer.close();
    }
}
