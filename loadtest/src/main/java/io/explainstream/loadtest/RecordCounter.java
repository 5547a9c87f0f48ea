package io.explainstream.loadtest;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the committed records arriving on a topic and their value bytes (no decoding), with the time of the
 * latest arrival.
 */
final class RecordCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long count;
    private volatile long valueBytes;
    private volatile long firstNanos;
    private volatile long lastNanos;

    RecordCounter(String bootstrapServers, Map<String, String> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "explainstream-loadtest-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        thread = new Thread(this::loop, "loadtest-counter-" + topic);
        thread.start();
    }

    private void loop() {
        while (!stop.get()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
            if (!records.isEmpty()) {
                long now = System.nanoTime();
                if (count == 0) {
                    firstNanos = now;
                }
                long bytes = 0;
                for (var r : records) {
                    bytes += Math.max(0, r.serializedValueSize());
                }
                valueBytes += bytes;
                count += records.count();
                lastNanos = now;
            }
        }
    }

    long count() {
        return count;
    }

    /** Mean serialized value size of the records counted so far, NaN before the first. */
    double meanValueBytes() {
        long n = count;
        return n == 0 ? Double.NaN : (double) valueBytes / n;
    }

    long firstNanos() {
        return firstNanos;
    }

    long lastNanos() {
        return lastNanos;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
        consumer.close();
    }
}
