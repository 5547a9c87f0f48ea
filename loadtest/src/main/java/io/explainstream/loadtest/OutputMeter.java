package io.explainstream.loadtest;

import io.explainstream.serde.SchemaRegistry;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the explained topic (read_committed) and the DLQ, and records each explained event's end-to-end latency
 * from its intended send time, in microseconds, in an HdrHistogram, and by second of arrival. When the explained
 * topic stamps records with the broker's append time ({@code message.timestamp.type=LogAppendTime}), it also records
 * the latency up to that append, which leaves out this reader's own delay. Of each record it reads only the fields
 * it needs ({@link ExplainedFields}). Runs on its own thread until closed.
 */
final class OutputMeter implements AutoCloseable {
    /** Name of the thread that reads and measures. */
    static final String THREAD = "loadtest-output-meter";
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ExplainedFields fields;
    private final String output;
    private final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram appendMicros = new Histogram(HIGHEST_MICROS, 3);
    private final LatencyWindows windows = new LatencyWindows(1000, HIGHEST_MICROS);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long explained;
    private volatile long l2e;
    private volatile long dlq;
    private volatile long unreadable;

    OutputMeter(String bootstrapServers, Map<String, String> clientConfig, SchemaRegistry registry, String output,
                String dlqTopic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        String id = CpuAccount.READER_CLIENT + "-" + UUID.randomUUID();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, id);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, id);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.fields = new ExplainedFields(registry);
        this.output = output;
        consumer.subscribe(List.of(output, dlqTopic));
        this.thread = new Thread(this::loop, THREAD);
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
            handle(consumer.poll(Duration.ofMillis(100)));
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            handle(r);
        }
    }

    /** Counts and measures one record read from the explained topic or the DLQ. */
    void handle(ConsumerRecord<byte[], byte[]> r) {
        if (!r.topic().equals(output)) {
            dlq++;
            return;
        }
        try {
            fields.read(r.value());
        } catch (RuntimeException e) {
            if (unreadable++ == 0) {
                System.err.printf("explainstream loadtest: an explained record the latency reader cannot read "
                        + "(%s-%d@%d): %s; counted in events_unreadable%n", r.topic(), r.partition(), r.offset(), e);
            }
            return;
        }
        explained++;
        if (fields.l2e()) {
            l2e++;
        }
        long intendedMicros = fields.intendedMicros();
        if (intendedMicros != ExplainedFields.UNKNOWN) {
            long nowMillis = System.currentTimeMillis();
            long append = r.timestampType() == TimestampType.LOG_APPEND_TIME
                    ? TimeUnit.MILLISECONDS.toMicros(r.timestamp()) - intendedMicros : LatencyWindows.UNKNOWN;
            record(nowMillis, TimeUnit.MILLISECONDS.toMicros(nowMillis) - intendedMicros, append);
        }
    }

    private synchronized void record(long arrivalMillis, long micros, long append) {
        long endToEnd = clamp(micros);
        long toAppend = append == LatencyWindows.UNKNOWN ? append : clamp(append);
        latencyMicros.recordValue(endToEnd);
        if (toAppend != LatencyWindows.UNKNOWN) {
            appendMicros.recordValue(toAppend);
        }
        windows.record(arrivalMillis, endToEnd, toAppend);
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(micros, HIGHEST_MICROS));
    }

    /** Forgets the latencies seen so far (the warm-up). */
    synchronized void resetLatency() {
        latencyMicros.reset();
        appendMicros.reset();
        windows.reset();
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

    /** Records on the explained topic that could not be read (the first one's reason goes to stderr). */
    long unreadable() {
        return unreadable;
    }

    /** The latencies recorded since the last reset, all taken at one moment. */
    synchronized Latencies latencies() {
        return new Latencies(latencyMicros.copy(), appendMicros.copy(), windows.windows());
    }

    /**
     * End-to-end latencies, latencies up to the output's append (empty when the topic keeps create times), both in
     * microseconds, and both by second of arrival (see {@link LatencyWindows#windows()}).
     */
    record Latencies(Histogram endToEnd, Histogram append, List<Map<String, Object>> bySecond) {
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
        consumer.close();
    }
}
