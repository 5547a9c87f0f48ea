package io.explainstream.app.ops;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the compacted models topic: records keyed by the model id whose value is the path of a bundle folder
 * (UTF-8). Reads it from the beginning (read_committed, no consumer group), and offers the newest path for this
 * model to the {@link BundleSwapper} whenever it changes; other models' records are ignored.
 */
public final class ModelsTopicListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelsTopicListener.class);

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final String topic;
    private final String modelId;
    private final BundleSwapper swapper;
    private volatile boolean running = true;
    private String applied;

    public ModelsTopicListener(Map<String, Object> clientConfig, String topic, String modelId, Path initial,
                               BundleSwapper swapper) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        this.topic = topic;
        this.modelId = modelId;
        this.swapper = swapper;
        this.applied = initial.toString();
        this.thread = new Thread(this::run, "explainstream-models-topic");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            LOG.info("following model bundles for {} on topic {}", modelId, topic);
            while (running) {
                String newest = null;
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (modelId.equals(r.key()) && r.value() != null && !r.value().isBlank()) {
                        newest = r.value().trim();
                    }
                }
                if (newest != null && !newest.equals(applied)) {
                    applied = newest;
                    LOG.info("topic {} names bundle {} for {}; validating it", topic, newest, modelId);
                    swapper.offer(Path.of(newest));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("following topic {} failed; bundles published there are not served: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
