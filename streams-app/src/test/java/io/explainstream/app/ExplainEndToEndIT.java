package io.explainstream.app;

import io.explainstream.app.config.AppConfig;
import io.explainstream.app.topology.DeadLetters;
import io.explainstream.app.topology.Events;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a real in-process KRaft broker and a real Apicurio registry: every input record ends up exactly
 * once in the output or the DLQ, keyed as it came in.
 */
class ExplainEndToEndIT {
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registryServer;
    private static ConfluentSchemaRegistry registry;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startServers() {
        kafka = EmbeddedKafka.start();
        registryServer = ApicurioRegistry.start();
        registry = ConfluentSchemaRegistry.connect(new RegistrySettings(registryServer.url(), true, Map.of()));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (registryServer != null) {
            registryServer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldPutEveryInputExactlyOnceInTheOutputOrTheDlq() throws Exception {
        Topics t = topics("e2e", 3);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("e2e"), false);
        Map<String, String> settings = appSettings(t, bundle, "e2e");
        List<ProducerRecord<byte[], byte[]>> inputs = inputs(t.input, 10_000, 0.05, new Random(42));
        long bad = inputs.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-")).count();

        try (ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(settings))) {
            produce(inputs);
            Collected c = collect(t, inputs.size(), Duration.ofMinutes(4));
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());

            Map<String, Integer> seen = new HashMap<>();
            c.output.forEach(r -> seen.merge(key(r), 1, Integer::sum));
            c.dlq.forEach(r -> seen.merge(key(r), 1, Integer::sum));
            List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            List<String> lost = inputs.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .filter(k -> !seen.containsKey(k)).toList();
            assertEquals(List.of(), duplicated, "duplicated");
            assertEquals(List.of(), lost, "lost");
            assertEquals(inputs.size(), c.output.size() + c.dlq.size());
            assertEquals(bad, c.dlq.size());
            for (ConsumerRecord<byte[], byte[]> d : c.dlq) {
                String expected = key(d).split("-")[1];
                assertEquals(expected, DeadLetters.header(d.headers(), DeadLetters.REASON), key(d));
                assertEquals(t.input, DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
            }
            AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, registry, false);
            long l2e = 0;
            for (ConsumerRecord<byte[], byte[]> o : c.output) {
                ExplainedEvent e = serde.deserializer().deserialize(t.output, o.value());
                assertEquals(key(o).substring("ok-".length()), e.getEventId());
                if (e.getExplanation().getSource() == ExplanationSource.L2E) {
                    l2e++;
                    assertTrue(e.getTimings().getL2eBatchSize() >= 1);
                }
            }
            assertTrue(l2e > 0 && l2e < c.output.size(), "some, not all, events go to L2E: " + l2e);

            String metrics = get(app.httpPort(), "/metrics");
            assertTrue(metrics.contains("explainstream_l2e_provider{provider=\"CPU\"} 1.0"), metrics);
            assertTrue(metrics.contains("explainstream_events_explained_total{source=\"L2E\"} " + l2e + ".0"),
                    metrics);
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams' own metrics are bound");
            assertEquals("ready\n", get(app.httpPort(), "/health/ready"));
        }
    }

    @Test
    void shouldExplainEventsFromATopicWithTheRunCommandAndStopOnSigterm() throws Exception {
        Topics t = topics("run", 2);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("run"), false);
        Path config = dir.resolve("run.properties");
        StringBuilder props = new StringBuilder();
        int httpPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Map<String, String> settings = appSettings(t, bundle, "run");
        settings.put("explainstream.http.port", Integer.toString(httpPort));
        settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, props.toString());
        Path log = dir.resolve("run.log");
        Path root = Path.of("..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/explainstream").toString(), "run", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("EXPLAINSTREAM_NO_BUILD", "1");
        pb.environment().put("EXPLAINSTREAM_JAVA_OPTS", "-Xmx512m");
        Process p = pb.start();
        try {
            List<ProducerRecord<byte[], byte[]>> inputs = inputs(t.input, 300, 0.1, new Random(7));
            produce(inputs);
            Collected c = collect(t, inputs.size(), Duration.ofMinutes(3));
            assertEquals(inputs.size(), c.output.size() + c.dlq.size(), () -> tail(log));
            assertTrue(get(httpPort, "/metrics").contains("explainstream_l2e_provider{provider=\"CPU\"} 1.0"));
            p.destroy();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "stops within 90 s of SIGTERM");
            int exit = p.exitValue();
            assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + tail(log));
            String text = Files.readString(log);
            assertTrue(text.contains("shutting down"), text);
            assertTrue(text.contains("-> NOT_RUNNING") || text.contains("PENDING_SHUTDOWN -> NOT_RUNNING")
                    || text.contains("NOT_RUNNING"), text);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (Exception e) {
            return e.toString();
        }
    }

    private record Topics(String input, String output, String dlq, String requests) {
    }

    private record Collected(List<ConsumerRecord<byte[], byte[]>> output, List<ConsumerRecord<byte[], byte[]>> dlq) {
    }

    private static Topics topics(String prefix, int partitions) {
        Topics t = new Topics(prefix + ".predictions", prefix + ".explained", prefix + ".dlq", prefix + ".l2e");
        kafka.createTopics(partitions, t.input, t.output, t.requests);
        kafka.createTopics(1, t.dlq);
        return t;
    }

    private static Map<String, String> appSettings(Topics t, LoadedBundle bundle, String name) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("schema.registry.url", registryServer.url());
        s.put("application.id", "it-" + name + "-" + UUID.randomUUID());
        s.put("state.dir", dir.resolve("state-" + name).toString());
        s.put("explainstream.bundle.path", bundle.directory().toString());
        s.put("explainstream.topic.input", t.input);
        s.put("explainstream.topic.output", t.output);
        s.put("explainstream.topic.dlq", t.dlq);
        s.put("explainstream.topic.l2e-requests", t.requests);
        s.put("explainstream.l2e.provider", "cpu");
        s.put("explainstream.l2e.batch-size", "32");
        s.put("explainstream.routing.min-posterior", "0.6");
        s.put("explainstream.http.port", "0");
        return s;
    }

    /** Valid events (key ok-N) mixed with a share of bad records (key bad-REASON-N). */
    private static List<ProducerRecord<byte[], byte[]>> inputs(String topic, int n, double badShare, Random r) {
        AvroSerde<PredictionEvent> serde = new AvroSerde<>(PredictionEvent.class, registry, true);
        String[] kinds = {"DESERIALIZATION_FAILED", "UNKNOWN_MODEL", "DIMENSION_MISMATCH", "NON_FINITE_VALUE",
                "ZERO_VECTOR", "SPARSE_INDICES_UNSORTED", "NULL_VALUE"};
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < badShare) {
                String kind = kinds[r.nextInt(kinds.length)];
                byte[] value = switch (kind) {
                    case "DESERIALIZATION_FAILED" -> ("not avro " + i).getBytes(StandardCharsets.UTF_8);
                    case "UNKNOWN_MODEL" -> serde.serializer().serialize(topic,
                            Events.dense("b" + i, "nobody", randomRaw(r), 10));
                    case "DIMENSION_MISMATCH" -> serde.serializer().serialize(topic,
                            Events.dense("b" + i, TestBundles.MODEL_ID, new float[]{1, 2}, 10));
                    case "NON_FINITE_VALUE" -> serde.serializer().serialize(topic,
                            Events.dense("b" + i, TestBundles.MODEL_ID, new float[]{1, Float.NaN, 3, 4}, 10));
                    case "ZERO_VECTOR" -> serde.serializer().serialize(topic,
                            Events.dense("b" + i, TestBundles.MODEL_ID, new float[]{1, 2, 3, 4}, 10));
                    case "SPARSE_INDICES_UNSORTED" -> serde.serializer().serialize(topic,
                            Events.sparse("b" + i, TestBundles.MODEL_ID, 4, new int[]{3, 1}, new float[]{1, 1}, 10));
                    default -> null;
                };
                out.add(new ProducerRecord<>(topic, ("bad-" + kind + "-" + i).getBytes(StandardCharsets.UTF_8),
                        value));
            } else {
                float[] raw = randomRaw(r);
                double score = 10 + 2 * r.nextGaussian();
                out.add(new ProducerRecord<>(topic, ("ok-" + i).getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(topic, Events.dense(Integer.toString(i), TestBundles.MODEL_ID,
                                raw, score))));
            }
        }
        return out;
    }

    private static float[] randomRaw(Random r) {
        float[] raw = new float[4];
        for (int j = 0; j < 4; j++) {
            raw[j] = (float) (TestBundles.CENTER[j] + TestBundles.SCALE[j] * r.nextGaussian());
        }
        return raw;
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            records.forEach(p::send);
            p.flush();
        }
    }

    private static Collected collect(Topics t, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> output = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(t.output, t.dlq));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && System.nanoTime() < quietUntil) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    (r.topic().equals(t.dlq) ? dlq : output).add(r);
                }
                if (quietUntil == Long.MAX_VALUE && output.size() + dlq.size() >= expected) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
            }
        }
        return new Collected(output, dlq);
    }

    private static String get(int port, String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }
}
