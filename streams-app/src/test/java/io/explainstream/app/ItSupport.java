package io.explainstream.app;

import io.explainstream.app.topology.Events;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.SchemaRegistry;
import io.explainstream.testkit.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared plumbing of the integration tests: topics, settings, event mixes, producing, collecting, accounting. */
final class ItSupport {
    static final String[] BAD_KINDS = {"DESERIALIZATION_FAILED", "UNKNOWN_MODEL", "DIMENSION_MISMATCH",
            "NON_FINITE_VALUE", "ZERO_VECTOR", "SPARSE_INDICES_UNSORTED", "NULL_VALUE"};

    private ItSupport() {
    }

    record Topics(String input, String output, String dlq, String requests) {
        static Topics create(KafkaCluster kafka, String prefix, int partitions) {
            Topics t = new Topics(prefix + ".predictions", prefix + ".explained", prefix + ".dlq", prefix + ".l2e");
            kafka.createTopics(partitions, t.input, t.output, t.requests);
            kafka.createTopics(1, t.dlq);
            return t;
        }
    }

    record Collected(List<ConsumerRecord<byte[], byte[]>> output, List<ConsumerRecord<byte[], byte[]>> dlq) {
        int size() {
            return output.size() + dlq.size();
        }
    }

    /** Who saw what: lost and duplicated keys of an input mix, given what came out. */
    record Accounting(List<String> lost, List<String> duplicated, int in, int out, int dlq) {
        static Accounting of(List<ProducerRecord<byte[], byte[]>> inputs, Collected c) {
            Map<String, Integer> seen = new HashMap<>();
            c.output.forEach(r -> seen.merge(key(r), 1, Integer::sum));
            c.dlq.forEach(r -> seen.merge(key(r), 1, Integer::sum));
            List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .sorted().toList();
            List<String> lost = inputs.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .filter(k -> !seen.containsKey(k)).toList();
            return new Accounting(lost, duplicated, inputs.size(), c.output.size(), c.dlq.size());
        }

        void assertExactlyOnce() {
            assertEquals(List.of(), duplicated, "duplicated");
            assertEquals(List.of(), lost, "lost");
            assertEquals(in, out + dlq);
        }
    }

    static Map<String, String> appSettings(KafkaCluster kafka, String registryUrl, Topics t, LoadedBundle bundle,
                                           Path stateDir, String applicationId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("schema.registry.url", registryUrl);
        s.put("application.id", applicationId);
        s.put("state.dir", stateDir.toString());
        s.put("explainstream.bundle.path", bundle.directory().toString());
        s.put("explainstream.topic.input", t.input);
        s.put("explainstream.topic.output", t.output);
        s.put("explainstream.topic.dlq", t.dlq);
        s.put("explainstream.topic.l2e-requests", t.requests);
        s.put("explainstream.l2e.provider", "cpu");
        s.put("explainstream.l2e.batch-size", "32");
        s.put("explainstream.routing.min-posterior", "0.6");
        s.put("explainstream.http.port", "0");
        String prefix = t.input.substring(0, t.input.length() - ".predictions".length());
        s.put("explainstream.topic.fidelity", prefix + ".fidelity");
        s.put("explainstream.topic.alerts", prefix + ".alerts");
        return s;
    }

    static String uniqueId(String name) {
        return "it-" + name + "-" + UUID.randomUUID();
    }

    /** Valid events (key ok-N) mixed with a share of bad records (key bad-REASON-N). */
    static List<ProducerRecord<byte[], byte[]>> inputs(SchemaRegistry registry, String topic, int n, double badShare,
                                                       Random r) {
        AvroSerde<PredictionEvent> serde = new AvroSerde<>(PredictionEvent.class, registry, true);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < badShare) {
                String kind = BAD_KINDS[r.nextInt(BAD_KINDS.length)];
                out.add(new ProducerRecord<>(topic, ("bad-" + kind + "-" + i).getBytes(StandardCharsets.UTF_8),
                        badValue(serde, topic, kind, i, r)));
            } else {
                out.add(new ProducerRecord<>(topic, ("ok-" + i).getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(topic, Events.dense(Integer.toString(i), TestBundles.MODEL_ID,
                                randomRaw(r), 10 + 2 * r.nextGaussian()))));
            }
        }
        return out;
    }

    private static byte[] badValue(AvroSerde<PredictionEvent> serde, String topic, String kind, int i, Random r) {
        String id = "b" + i;
        String model = TestBundles.MODEL_ID;
        return switch (kind) {
            case "DESERIALIZATION_FAILED" -> ("not avro " + i).getBytes(StandardCharsets.UTF_8);
            case "UNKNOWN_MODEL" -> serde.serializer().serialize(topic, Events.dense(id, "nobody", randomRaw(r), 10));
            case "DIMENSION_MISMATCH" -> serde.serializer().serialize(topic,
                    Events.dense(id, model, new float[]{1, 2}, 10));
            case "NON_FINITE_VALUE" -> serde.serializer().serialize(topic,
                    Events.dense(id, model, new float[]{1, Float.NaN, 3, 4}, 10));
            case "ZERO_VECTOR" -> serde.serializer().serialize(topic,
                    Events.dense(id, model, new float[]{1, 2, 3, 4}, 10));
            case "SPARSE_INDICES_UNSORTED" -> serde.serializer().serialize(topic,
                    Events.sparse(id, model, 4, new int[]{3, 1}, new float[]{1, 1}, 10));
            default -> null;
        };
    }

    static float[] randomRaw(Random r) {
        float[] raw = new float[4];
        for (int j = 0; j < 4; j++) {
            raw[j] = (float) (TestBundles.CENTER[j] + TestBundles.SCALE[j] * r.nextGaussian());
        }
        return raw;
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaCluster kafka) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void produce(KafkaCluster kafka, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
            records.forEach(p::send);
            p.flush();
        }
    }

    /** Reads output and DLQ with read_committed until {@code expected} records, plus 5 quiet seconds, or timeout. */
    static Collected collect(KafkaCluster kafka, Topics t, int expected, Duration timeout) {
        return collect(kafka, t, expected, timeout, () -> true);
    }

    static Collected collect(KafkaCluster kafka, Topics t, int expected, Duration timeout, BooleanSupplier done) {
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
                if (quietUntil == Long.MAX_VALUE && output.size() + dlq.size() >= expected && done.getAsBoolean()) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
            }
        }
        return new Collected(output, dlq);
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    static String get(int port, String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * What the broker says about transactions when an accounting fails: per partition of every topic but the broker's
     * own, the end offset, the last stable offset and the producers with an open transaction; and every transaction
     * the coordinator knows.
     */
    static String transactionReport(KafkaCluster kafka) {
        StringBuilder b = new StringBuilder("transactions:\n");
        try (Admin admin = kafka.admin()) {
            List<TopicPartition> partitions = new ArrayList<>();
            var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS)
                    .forEach((name, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(name,
                            p.partition()))));
            for (TopicPartition tp : partitions) {
                var spec = Map.of(tp, OffsetSpec.latest());
                long end = admin.listOffsets(spec).partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
                long stable = admin.listOffsets(spec, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
                var producers = admin.describeProducers(List.of(tp)).partitionResult(tp)
                        .get(10, TimeUnit.SECONDS).activeProducers().stream()
                        .filter(p -> p.currentTransactionStartOffset().isPresent()).toList();
                if (producers.isEmpty() && end == stable) {
                    continue;
                }
                b.append("  ").append(tp).append(" end ").append(end).append(" stable ").append(stable)
                        .append(" open ").append(producers).append('\n');
            }
            var listed = admin.listTransactions().all().get(10, TimeUnit.SECONDS);
            var ids = listed.stream().map(TransactionListing::transactionalId).toList();
            admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS)
                    .forEach((id, d) -> b.append("  ").append(id).append(' ').append(d.state())
                            .append(" epoch ").append(d.producerEpoch()).append(" partitions ")
                            .append(d.topicPartitions()).append('\n'));
        } catch (Exception e) {
            b.append("  could not describe them: ").append(e).append('\n');
        }
        return b.toString();
    }

    /** Copies logs of a failed run to {@code target/it-logs/<test>/}, where they outlive the test's temporary folder. */
    static void keepLogs(String test, Path... logs) {
        try {
            Path kept = Files.createDirectories(Path.of("target", "it-logs", test));
            for (Path log : logs) {
                Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println("logs kept in " + kept.toAbsolutePath());
        } catch (Exception e) {
            System.out.println("could not keep the logs: " + e);
        }
    }

    /** Sends the records evenly over {@code duration} in the background (an idempotent producer: retries through
     * a broker outage without duplicates). */
    static java.util.concurrent.CompletableFuture<Void> paced(KafkaCluster kafka,
                                                              List<ProducerRecord<byte[], byte[]>> records,
                                                              Duration duration) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            long step = duration.toNanos() / records.size();
            try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < records.size(); i++) {
                    long wait = start + i * step - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    sent.add(p.send(records.get(i)));
                }
                p.flush();
                for (java.util.concurrent.Future<?> f : sent) {
                    f.get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until the log shows the app RUNNING {@code times} times in all, i.e. the current incarnation is. */
    static void awaitRunning(Path log, int times) throws InterruptedException {
        awaitLog(log, "-> RUNNING", times, Duration.ofSeconds(90));
    }

    /** Waits until {@code text} occurs at least {@code times} times in the log. */
    static void awaitLog(Path log, String text, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(log, text) >= times) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the log did not show '" + text + "' " + times + " times\n" + tail(log));
    }

    /** How often {@code text} occurs in the log (0 when it does not exist yet). */
    static int count(Path log, String text) {
        try {
            String s = Files.exists(log) ? Files.readString(log) : "";
            return s.split(java.util.regex.Pattern.quote(text), -1).length - 1;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Writes settings as a properties file. */
    static Path propertiesFile(Path file, Map<String, String> settings) throws java.io.IOException {
        StringBuilder props = new StringBuilder();
        settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        return Files.writeString(file, props.toString());
    }
}
