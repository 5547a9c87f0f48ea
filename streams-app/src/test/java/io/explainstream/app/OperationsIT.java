package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.config.AppConfig;
import io.explainstream.app.topology.Events;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operations on a real KRaft broker and a real Apicurio registry: the fidelity topic against the output, the
 * metrics the deploy/ dashboard and alert rules query against a live /metrics scrape, and a bundle swap under load.
 */
class OperationsIT {
    @RegisterExtension
    static final ServersExtension servers = new ServersExtension();

    @TempDir
    static Path dir;

    private static final long WINDOW = 2_000;

    @Test
    void shouldPublishFidelityWindowsOfTheOutputAndExportEveryMetricTheDashboardAndRulesQuery() throws Exception {
        Topics t = Topics.create(servers.kafka(), "ops", 3);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("ops"), false);
        Map<String, String> settings = ItSupport.appSettings(servers.kafka(), servers.registryServer().url(), t, bundle,
                dir.resolve("state-ops"), ItSupport.uniqueId("ops"));
        settings.put("explainstream.fidelity.window-ms", Long.toString(WINDOW));
        settings.put("explainstream.fidelity.grace-ms", "0");
        settings.put("explainstream.fidelity.flush-ms", "200");
        long t0 = (System.currentTimeMillis() - 600_000) / WINDOW * WINDOW;
        AvroSerde<PredictionEvent> in = new AvroSerde<>(PredictionEvent.class, servers.registry(), true);
        List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            PredictionEvent e = Events.dense("e" + i, TestBundles.MODEL_ID, ItSupport.randomRaw(r),
                    10 + 2 * r.nextGaussian());
            e.setEventTime(t0 + i * 10L);
            inputs.add(new ProducerRecord<>(t.input(), null, t0 + i * 10L, ("ok-" + i).getBytes(StandardCharsets.UTF_8),
                    in.serializer().serialize(t.input(), e)));
        }
        try (ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(settings))) {
            ItSupport.produce(servers.kafka(), inputs);
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(3));
            Accounting.of(inputs, c).assertExactlyOnce();
            AvroSerde<ExplainedEvent> outSerde = new AvroSerde<>(ExplainedEvent.class, servers.registry(), false);
            Map<String, double[]> expected = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> o : c.output()) {
                ExplainedEvent e = outSerde.deserializer().deserialize(t.output(), o.value());
                double[] acc = expected.computeIfAbsent(e.getGroupId() + "@" + Math.floorDiv(o.timestamp(), WINDOW)
                        * WINDOW, k -> new double[2]);
                acc[0]++;
                acc[1] += e.getResidual() * e.getResidual();
            }
            Map<String, FidelityWindow> windows = readFidelity(settings.get("explainstream.topic.fidelity"),
                    expected, Duration.ofSeconds(90));
            assertEquals(expected.keySet(), windows.keySet());
            expected.forEach((k, acc) -> {
                FidelityWindow w = windows.get(k);
                assertEquals((long) acc[0], w.getCount(), k);
                assertEquals(Math.sqrt(acc[1] / acc[0]), w.getRmse(), 1e-9, k);
            });

            String metrics = ItSupport.get(app.httpPort(), "/metrics");
            Files.writeString(Path.of("target/metrics-scrape.txt"), metrics);
            Set<String> exported = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(metrics);
            while (m.find()) {
                exported.add(m.group(1));
            }
            Set<String> queried = DeployFiles.queriedMetrics();
            assertTrue(queried.size() > 10, queried.toString());
            List<String> missing = queried.stream().filter(q -> !exported.contains(q)).toList();
            assertEquals(List.of(), missing, "queried by deploy/ but not exported; exported: " + exported);
            assertEquals("ready\n", ItSupport.get(app.httpPort(), "/health/ready"));
        }
    }

    @Test
    void shouldSwapTheBundleUnderLoadWithoutLosingOrDuplicatingEvents() throws Exception {
        Topics t = Topics.create(servers.kafka(), "swap", 3);
        LoadedBundle v1 = TestBundles.tabularWithL2e(dir.resolve("swap-v1"), false);
        ModelBundle m = v1.model();
        LoadedBundle v2 = BundleIo.write(new ModelBundle(m.formatVersion(), m.modelId(), "test-bundle-2", m.task(),
                m.features(), m.scaler(), m.target(), m.gime(), m.routing(), m.l2e(), m.provenance()),
                dir.resolve("swap-v2"), v1.l2eModelFile().orElseThrow());
        Path corrupt = Files.createDirectories(dir.resolve("swap-corrupt"));
        Files.writeString(corrupt.resolve("bundle.json"), "{ \"formatVersion\": 1, \"modelId\": \"test-model\" }");
        Path current = dir.resolve("swap-current");
        Files.createSymbolicLink(current, v1.directory());
        Map<String, String> settings = ItSupport.appSettings(servers.kafka(), servers.registryServer().url(), t, v1,
                dir.resolve("state-swap"), ItSupport.uniqueId("swap"));
        settings.put("explainstream.bundle.path", current.toString());
        settings.put("explainstream.bundle.watch-interval-ms", "200");
        List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(servers.registry(), t.input(), 6000, 0.02,
                new Random(11));
        try (ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(settings));
             KafkaProducer<byte[], byte[]> producer = ItSupport.producer(servers.kafka())) {
            for (int i = 0; i < inputs.size(); i++) {
                producer.send(inputs.get(i));
                if (i % 200 == 199) {
                    producer.flush();
                    Thread.sleep(20);
                }
                if (i == 2000) {
                    producer.flush();
                    ItSupport.collect(servers.kafka(), t, 1500, Duration.ofSeconds(90));
                    repoint(current, v2.directory());
                }
                if (i == 4000) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!app.models().current().version().equals("test-bundle-2") && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    repoint(current, corrupt);
                }
            }
            producer.flush();
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(3));
            Accounting.of(inputs, c).assertExactlyOnce();
            AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, servers.registry(), false);
            Map<String, Integer> versions = new LinkedHashMap<>();
            Map<Integer, String> lastByPartition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> o : c.output()) {
                ExplainedEvent e = serde.deserializer().deserialize(t.output(), o.value());
                versions.merge(e.getBundleVersion(), 1, Integer::sum);
                lastByPartition.put(o.partition(), e.getBundleVersion());
            }
            assertTrue(versions.getOrDefault("test-bundle-1", 0) > 0, versions.toString());
            assertTrue(versions.getOrDefault("test-bundle-2", 0) > 0, versions.toString());
            assertEquals(Set.of("test-bundle-1", "test-bundle-2"), versions.keySet());
            lastByPartition.values().forEach(v -> assertEquals("test-bundle-2", v, "the refused bundle changed nothing"));
            assertEquals("test-bundle-2", app.models().current().version());
            String metrics = ItSupport.get(app.httpPort(), "/metrics");
            assertTrue(metrics.contains("explainstream_bundle_swaps_total{result=\"applied\"} 1.0"), metrics);
            assertTrue(metrics.contains("explainstream_bundle_swaps_total{result=\"refused\"} 1.0"), metrics);
            assertTrue(metrics.contains("explainstream_bundle_info{model=\"test-model\",version=\"test-bundle-2\"} 1"),
                    metrics);
            assertTrue(!metrics.contains("version=\"test-bundle-1\""), "the old version's info is gone");
        }
    }

    /** Points the symlink at {@code target} atomically, as a deployment tool would (ln -sfn + rename). */
    private static void repoint(Path link, Path target) throws Exception {
        Path tmp = link.resolveSibling(link.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(600);
    }

    /** The latest FidelityWindow per group and window start, once at least {@code expected} are there. */
    /**
     * Reads the fidelity topic until the latest window per key has the expected count for every key (a window closed
     * before a slow task's sums arrived is published again with the corrected totals), or the timeout passes.
     */
    private static Map<String, FidelityWindow> readFidelity(String topic, Map<String, double[]> expected,
                                                            Duration timeout) {
        AvroSerde<FidelityWindow> serde = new AvroSerde<>(FidelityWindow.class, servers.registry(), false);
        Map<String, FidelityWindow> latest = new HashMap<>();
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "fidelity-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !complete(latest, expected)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    FidelityWindow w = serde.deserializer().deserialize(topic, r.value());
                    latest.put(w.getGroupId() + "@" + w.getWindowStart(), w);
                }
            }
        }
        return latest;
    }

    private static boolean complete(Map<String, FidelityWindow> latest, Map<String, double[]> expected) {
        return latest.keySet().equals(expected.keySet()) && expected.entrySet().stream()
                .allMatch(e -> latest.get(e.getKey()).getCount() == (long) e.getValue()[0]);
    }
}
