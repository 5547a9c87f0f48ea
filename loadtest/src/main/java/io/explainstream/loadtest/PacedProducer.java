package io.explainstream.loadtest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop generator: event i is due at start + i/rate and carries that intended time, so a consumer that
 * measures from it sees the whole delay even when the producer falls behind (no coordinated omission). Events come
 * pre-encoded from {@link EventTemplates}, and are sent in ticks of {@link #TICK_NANOS} (every event due by the tick,
 * each stamped with its own intended time, so the wait for the tick is part of the measured latency): a wake-up per
 * event would cost more CPU than the sending, on the cores the generator shares with what it measures.
 */
final class PacedProducer implements AutoCloseable {
    /** Name of the thread the load test runs {@link #run} on. */
    static final String THREAD = "loadtest-producer";
    /** The generator wakes at most once per tick and sends every event due by then. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final KafkaProducer<byte[], byte[]> producer;
    private final EventTemplates events;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private long next;

    /** @param clientConfig producer settings over the generator's: {@code acks=all}, idempotence, Kafka's defaults */
    PacedProducer(String bootstrapServers, Map<String, String> clientConfig, EventTemplates events, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.CLIENT_ID_CONFIG, CpuAccount.GENERATOR_CLIENT + "-" + UUID.randomUUID());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putAll(clientConfig);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
        this.events = events;
        this.topic = topic;
    }

    /** Sends at {@code rate} events/s for {@code seconds}, or until {@link #stop()}. */
    void run(double rate, double seconds) {
        long start = System.nanoTime();
        long startMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        long count = (long) (rate * seconds);
        double interval = 1e9 / rate;
        for (long i = 0; i < count && !stop.get(); i++) {
            long due = start + (long) (i * interval);
            long tick = start + ((due - start) + TICK_NANOS - 1) / TICK_NANOS * TICK_NANOS;
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                LockSupport.parkNanos(tick - now);
            }
            long intended = startMicros + (long) (i * interval / 1000);
            send(intended);
        }
        producer.flush();
    }

    /** Sends {@code count} events as fast as the producer takes them (a backlog for drain measurements). */
    void preload(long count) {
        for (long i = 0; i < count; i++) {
            send(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
        }
        producer.flush();
    }

    private void send(long intendedMicros) {
        byte[] value = events.encode(next, intendedMicros);
        byte[] key = Long.toString(next++).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, value), (m, ex) -> {
            if (ex == null) {
                sent.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        });
    }

    void stop() {
        stop.set(true);
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
