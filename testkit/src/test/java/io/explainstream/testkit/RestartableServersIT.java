package io.explainstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child-process broker and the persistent registry come back after a stop with their data and address. */
class RestartableServersIT {

    @TempDir
    Path dir;

    @Test
    void brokerKeepsItsDataAndPortThroughAStopAndAKill() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"))) {
            String address = broker.bootstrapServers();
            broker.createTopics(1, "kept");
            send(broker, "before-stop");
            broker.stop();
            assertFalse(broker.running());
            broker.start();
            send(broker, "before-kill");
            broker.kill();
            broker.start();
            assertEquals(address, broker.bootstrapServers());
            assertEquals(List.of("before-stop", "before-kill"), readAll(broker, 2));
        }
    }

    @Test
    void persistentRegistryKeepsItsSchemaIdsThroughARestart() throws Exception {
        try (ApicurioRegistry registry = ApicurioRegistry.startPersistent(dir.resolve("registry"))) {
            HttpClient http = HttpClient.newHttpClient();
            String a = register(http, registry, "a-value", "A");
            String b = register(http, registry, "b-value", "B");
            registry.restart();
            String schema = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/"
                    + b.replaceAll("\\D", ""))).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(schema.contains("\\\"B\\\""), schema);
            assertEquals(a, register(http, registry, "a-value", "A"), "same schema, same id after the restart");
        }
    }

    private static String register(HttpClient http, ApicurioRegistry registry, String subject, String name)
            throws Exception {
        String body = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"" + name
                + "\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"int\\\"}]}\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject
                        + "/versions")).header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void send(BrokerProcess broker, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("kept", "k", value)).get();
        }
    }

    private static List<String> readAll(BrokerProcess broker, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("kept"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
