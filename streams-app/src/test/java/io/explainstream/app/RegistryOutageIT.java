package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.topology.Events;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A schema registry outage under load is not a bad record. The app runs as its own process; the registry (Apicurio
 * with an H2 file database, so it comes back with the same ids) is stopped while events flow. Events whose writer
 * schema the app has already fetched keep flowing; events written with a schema the app has not seen yet wait (their
 * task fails and retries) and are neither dropped nor dead-lettered, while the app says what it waits for: a log
 * line, {@code /health/ready} 503 with the reason, {@code explainstream_registry_unavailable 1}. After the registry
 * returns, every event is out exactly once (read_committed), and the app is ready again, without a restart.
 */
class RegistryOutageIT {
    private static final int NEW_SCHEMA_EVENTS = 300;

    @TempDir
    Path dir;

    @Test
    void shouldWaitForTheRegistryAndThenLoseAndDuplicateNothing() throws Exception {
        Random random = new Random(42);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
             ApicurioRegistry registryServer = ApicurioRegistry.startPersistent(dir.resolve("registry"));
             ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.connect(
                     new RegistrySettings(registryServer.url(), true, Map.of()))) {
            Topics t = Topics.create(kafka, "outage", 3);
            int httpPort = freePort();
            LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("bundle"), false);
            Map<String, String> s = ItSupport.appSettings(kafka, registryServer.url(), t, bundle,
                    dir.resolve("state"), ItSupport.uniqueId("outage"));
            s.put("group.instance.id", "outage-1");
            s.put("session.timeout.ms", "6000");
            s.put("explainstream.http.port", Integer.toString(httpPort));
            Path config = ItSupport.propertiesFile(dir.resolve("app.properties"), s);
            Path log = dir.resolve("app.log");

            List<ProducerRecord<byte[], byte[]>> cached = ItSupport.inputs(registry, t.input(), 2000, 0.05, random);
            Schema evolved = withNote(PredictionEvent.getClassSchema());
            int newId = registry.register(t.input() + "-value", evolved);
            List<ProducerRecord<byte[], byte[]>> uncached = newSchemaInputs(t.input(), evolved, newId, random);
            List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(cached);
            all.addAll(uncached);

            Process app = AppProcess.start(config, log);
            try (LiveCount live = new LiveCount(kafka, t)) {
                ItSupport.awaitRunning(log, 1);
                CompletableFuture<Void> load = ItSupport.paced(kafka, cached, Duration.ofSeconds(20));
                live.await(200, Duration.ofSeconds(60));
                registryServer.stop();
                int atStop = live.count();
                Thread.sleep(5000);
                int duringOutage = live.count() - atStop;
                System.out.println("registry stopped at " + atStop + " out; " + duringOutage
                        + " came out in the next 5 s (cached schema id)");
                assertTrue(duringOutage >= 100, "events with a cached schema id keep flowing: " + duringOutage);

                ItSupport.produce(kafka, uncached);
                awaitReady(httpPort, 503, "waiting for the schema registry", Duration.ofSeconds(60));
                String metrics = ItSupport.get(httpPort, "/metrics");
                assertTrue(metrics.contains("explainstream_registry_unavailable 1.0"), "gauge while it waits");
                assertTrue(metrics.matches("(?s).*explainstream_registry_errors_total [1-9].*"), "errors counted");
                assertTrue(ItSupport.count(log, "schema registry unavailable") >= 1, ItSupport.tail(log));
                Thread.sleep(5000);

                registryServer.restart();
                System.out.println("registry back after the outage");
                load.get(2, TimeUnit.MINUTES);
                awaitReady(httpPort, 200, "ready", Duration.ofSeconds(90));
                assertTrue(ItSupport.get(httpPort, "/metrics").contains("explainstream_registry_unavailable 0.0"));
                assertTrue(ItSupport.count(log, "schema registry reachable again") >= 1, ItSupport.tail(log));
            }
            try {
                Collected c = ItSupport.collect(kafka, t, all.size(), Duration.ofMinutes(3));
                Accounting a = Accounting.of(all, c);
                System.out.println("registry outage: " + a.in() + " in, " + a.out() + " out, " + a.dlq() + " dlq, "
                        + a.lost().size() + " lost, " + a.duplicated().size() + " duplicated");
                a.assertExactlyOnce();
                c.dlq().forEach(r -> assertTrue(ItSupport.key(r).startsWith("bad-"),
                        "only bad records are dead-lettered, not " + ItSupport.key(r)));
                long newOut = c.output().stream().filter(r -> ItSupport.key(r).startsWith("new-")).count();
                assertEquals(NEW_SCHEMA_EVENTS, newOut, "events of the schema fetched after the outage explained");
                assertTrue(app.isAlive(), "the app recovered by itself\n" + ItSupport.tail(log));
            } finally {
                app.destroyForcibly();
                app.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** PredictionEvent plus an optional field: a compatible writer schema with an id of its own. */
    private static Schema withNote(Schema current) {
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("note", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "added later", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Valid events (key new-N) in the wire format with the evolved writer schema's id. */
    private static List<ProducerRecord<byte[], byte[]>> newSchemaInputs(String topic, Schema evolved, int id,
                                                                        Random r) throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < NEW_SCHEMA_EVENTS; i++) {
            PredictionEvent e = Events.dense("n" + i, TestBundles.MODEL_ID, ItSupport.randomRaw(r),
                    10 + 2 * r.nextGaussian());
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(plain, null);
            new SpecificDatumWriter<>(PredictionEvent.class).write(e, enc);
            enc.flush();
            GenericRecord g = new GenericDatumReader<GenericRecord>(PredictionEvent.getClassSchema(), evolved)
                    .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
            g.put("note", "written with schema id " + id);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(new byte[]{0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            BinaryEncoder wenc = EncoderFactory.get().binaryEncoder(wire, null);
            new GenericDatumWriter<GenericRecord>(evolved).write(g, wenc);
            wenc.flush();
            out.add(new ProducerRecord<>(topic, ("new-" + i).getBytes(StandardCharsets.UTF_8), wire.toByteArray()));
        }
        return out;
    }

    private static void awaitReady(int port, int status, String body, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == status && r.body().contains(body)) {
                System.out.println("/health/ready: " + last.strip());
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("/health/ready did not answer " + status + " '" + body + "'; last " + last);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Counts output and DLQ records (read_committed) as they come, in the background. */
    private static final class LiveCount implements AutoCloseable {
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        LiveCount(EmbeddedKafka kafka, Topics t) {
            Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "live-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(t.output(), t.dlq()));
                    while (!stop.get()) {
                        count.addAndGet(consumer.poll(Duration.ofMillis(200)).count());
                    }
                }
            }, "live-count");
            thread.start();
        }

        int count() {
            return count.get();
        }

        void await(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + count.get() + " of " + n + " came out");
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }
}
