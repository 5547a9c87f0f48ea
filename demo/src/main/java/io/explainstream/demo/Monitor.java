package io.explainstream.demo;

import io.explainstream.app.topology.DeadLetters;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.SchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the explained, dead-letter and fidelity topics from the beginning (read_committed, so only what Kafka Streams has
 * committed counts) into {@link DemoStats}, and measures the application's consumer lag on the input topic.
 */
final class Monitor implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final AvroSerde<ExplainedEvent> serde;
    private final AvroSerde<FidelityWindow> windows;
    private final String fidelity;
    private final String output;
    private final String dlq;
    private final String input;
    private final String applicationId;
    private final DemoStats stats;
    private final Thread thread = new Thread(this::loop, "demo-monitor");
    private final Thread lagThread = new Thread(this::lagLoop, "demo-lag");
    private volatile boolean running = true;

    Monitor(String bootstrap, SchemaRegistry registry, String input, String output, String dlq, String fidelity,
            String applicationId, DemoStats stats) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "explainstream-demo-dashboard");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.serde = new AvroSerde<>(ExplainedEvent.class, registry, false);
        this.windows = new AvroSerde<>(FidelityWindow.class, registry, false);
        this.fidelity = fidelity;
        this.input = input;
        this.output = output;
        this.dlq = dlq;
        this.applicationId = applicationId;
        this.stats = stats;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(output, dlq, fidelity)) {
            consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread.setDaemon(true);
        lagThread.setDaemon(true);
    }

    void start() {
        thread.start();
        lagThread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(output)) {
                        ExplainedEvent e = serde.deserializer().deserialize(output, r.value());
                        stats.explained(e, Math.max(0, now - Times.eventTime(e)));
                    } else if (r.topic().equals(fidelity)) {
                        stats.fidelityWindow(windows.deserializer().deserialize(fidelity, r.value()));
                    } else {
                        stats.deadLettered(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8),
                                header(r, DeadLetters.REASON), header(r, DeadLetters.MESSAGE));
                    }
                }
            }
        } catch (WakeupException stopping) {
            // closing
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void lagLoop() {
        while (running) {
            try {
                stats.lag(lag());
            } catch (Exception notYet) {
                // the group may not exist yet, or the broker is going away
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sum over the input partitions of (end offset − the application's committed offset). */
    long lag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(input)).allTopicNames().get(5, TimeUnit.SECONDS).get(input).partitions()
                .forEach(p -> request.put(new TopicPartition(input, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all()
                .get(5, TimeUnit.SECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
        }
        return lag;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        lagThread.interrupt();
        try {
            thread.join(5000);
            lagThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
