package io.explainstream.app.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The names Kafka Streams and its clients define, with the client prefixes Streams accepts ({@code producer.} ...). */
public final class KafkaKeys {
    private static final List<String> PREFIXES = List.of("main.consumer.", "restore.consumer.", "global.consumer.",
            "consumer.", "producer.", "admin.");
    private static final Set<String> CLIENT_NAMES = clientNames();
    private static final Set<String> STREAMS_ONLY_NAMES = streamsOnlyNames();

    private KafkaKeys() {
    }

    /**
     * True for a setting only Kafka Streams reads: one of its own that no producer, consumer or admin client defines,
     * or one it hands to its own clients ({@code producer.}, {@code consumer.}, {@code main.consumer.} ... prefixes).
     */
    public static boolean isStreamsOnly(String key) {
        return STREAMS_ONLY_NAMES.contains(key) || PREFIXES.stream().anyMatch(key::startsWith);
    }

    static boolean isKnown(String key) {
        if (isName(key)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix) && isName(key.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isName(String key) {
        return CLIENT_NAMES.contains(key) || STREAMS_ONLY_NAMES.contains(key);
    }

    private static Set<String> clientNames() {
        Set<String> names = new HashSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    private static Set<String> streamsOnlyNames() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.removeAll(CLIENT_NAMES);
        return Set.copyOf(names);
    }
}
