package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop generator: event i is due at start + i/rate and carries that intended time, so a consumer that
 * measures from it sees the whole delay even when the producer falls behind (no coordinated omission).
 */
final class PacedProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<PredictionEvent> serializer;
    private final SyntheticWorkload workload;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private long next;

    PacedProducer(String bootstrapServers, Map<String, String> clientConfig, Serializer<PredictionEvent> serializer,
                  SyntheticWorkload workload, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        this.producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
        this.serializer = serializer;
        this.workload = workload;
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
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long intended = startMicros + (long) (i * interval / 1000);
            send(workload.next(next, intended));
        }
        producer.flush();
    }

    /** Sends {@code count} events as fast as the producer takes them (a backlog for drain measurements). */
    void preload(long count) {
        for (long i = 0; i < count; i++) {
            send(workload.next(next, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())));
        }
        producer.flush();
    }

    private void send(PredictionEvent e) {
        byte[] key = Long.toString(next++).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, e)), (m, ex) -> {
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
