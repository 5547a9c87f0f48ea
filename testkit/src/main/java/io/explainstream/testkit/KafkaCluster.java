package io.explainstream.testkit;

import org.apache.kafka.clients.admin.Admin;

/** What tests need of a Kafka broker, in-process ({@link EmbeddedKafka}) or a child process ({@link BrokerProcess}). */
public interface KafkaCluster {

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();

    /** A new admin client for this broker; the caller closes it. */
    Admin admin();

    /** Creates the topics with {@code partitions} partitions each (replication factor 1) and waits for them. */
    void createTopics(int partitions, String... names);
}
