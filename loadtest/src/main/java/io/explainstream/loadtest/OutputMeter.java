package io.explainstream.loadtest;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the explained topic (read_committed) and the DLQ, and records each explained event's end-to-end latency
 * from its intended send time, in microseconds, in an HdrHistogram. Runs on its own thread until closed.
 */
final class OutputMeter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<ExplainedEvent> deserializer;
    private final String output;
    private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long explained;
    private volatile long l2e;
    private volatile long dlq;
    private final boolean recording = true;

    OutputMeter(String bootstrapServers, Map<String, String> clientConfig, Deserializer<ExplainedEvent> deserializer,
                String output, String dlqTopic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "explainstream-loadtest-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.deserializer = deserializer;
        this.output = output;
        consumer.subscribe(List.of(output, dlqTopic));
        this.thread = new Thread(this::loop, "loadtest-output-meter");
    }

    /** Starts reading once the consumer has its partitions, so nothing produced afterwards is missed. */
    void start() {
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        thread.start();
    }

    private void loop() {
        while (!stop.get()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (!r.topic().equals(output)) {
                    dlq++;
                    continue;
                }
                ExplainedEvent e = deserializer.deserialize(r.topic(), r.value());
                explained++;
                if (e.getExplanation().getSource() == ExplanationSource.L2E) {
                    l2e++;
                }
                String intended = e.getAttributes().get(SyntheticWorkload.INTENDED_AT);
                if (recording && intended != null) {
                    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                    record(Math.max(0, Math.min(now - Long.parseLong(intended),
                            latencyMicros.getHighestTrackableValue())));
                }
            }
        }
    }

    private synchronized void record(long micros) {
        latencyMicros.recordValue(micros);
    }

    /** Forgets the latencies seen so far (the warm-up). */
    synchronized void resetLatency() {
        latencyMicros.reset();
    }

    long explained() {
        return explained;
    }

    long l2e() {
        return l2e;
    }

    long dlq() {
        return dlq;
    }

    synchronized Histogram latency() {
        return latencyMicros.copy();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
        consumer.close();
    }
}
