package io.explainstream.loadtest;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The consumer lag of a Kafka Streams application on its input topic: end offsets minus committed offsets. */
final class LagSampler implements AutoCloseable {
    private final Admin admin;
    private final String topic;
    private volatile long max;
    private volatile long last;

    LagSampler(String bootstrapServers, Map<String, String> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(c);
        this.topic = topic;
    }

    /** Samples the lag of {@code groupId} now; -1 when it cannot be read. */
    long sample(String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            last = lag;
            max = Math.max(max, lag);
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    long max() {
        return max;
    }

    long last() {
        return last;
    }

    void reset() {
        max = 0;
    }

    @Override
    public void close() {
        admin.close();
    }
}
