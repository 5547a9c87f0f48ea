package io.explainstream.app;

import io.explainstream.app.config.AppConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientConfigTest {

    @Test
    void shouldGivePlainClientsTheConnectionSettingsButNotKafkaStreamsOwnOrItsClientPrefixedOnes() {
        AppConfig config = AppConfig.parse(Map.of(
                "bootstrap.servers", "broker-1:9092",
                "schema.registry.url", "http://registry:8081",
                "explainstream.bundle.path", "/bundles/x",
                "security.protocol", "SSL",
                "consumer.max.poll.records", "500",
                "commit.interval.ms", "100",
                "max.task.idle.ms", "0",
                "main.consumer.fetch.min.bytes", "1",
                "admin.retries", "3"));

        assertEquals(Map.of("bootstrap.servers", "broker-1:9092", "security.protocol", "SSL"),
                ExplainstreamApp.clientConfig(config), "producer.batch.size (a default) and consumer.* are for "
                        + "Kafka Streams' own clients; application.id and the like for Kafka Streams itself");
    }
}
