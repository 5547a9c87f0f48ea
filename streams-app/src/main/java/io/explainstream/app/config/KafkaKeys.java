package io.explainstream.app.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The names Kafka Streams and its clients define, with the client prefixes Streams accepts ({@code producer.} ...). */
final class KafkaKeys {
    private static final List<String> PREFIXES = List.of("main.consumer.", "restore.consumer.", "global.consumer.",
            "consumer.", "producer.", "admin.");
    private static final Set<String> NAMES = names();

    private KafkaKeys() {
    }

    static boolean isKnown(String key) {
        if (NAMES.contains(key)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix) && NAMES.contains(key.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> names() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
