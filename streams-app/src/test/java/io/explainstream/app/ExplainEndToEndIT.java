package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.config.AppConfig;
import io.explainstream.app.topology.DeadLetters;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.explainstream.app.ItSupport.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a real in-process KRaft broker and a real Apicurio registry: every input record ends up exactly
 * once in the output or the DLQ, keyed as it came in.
 */
class ExplainEndToEndIT {
    @RegisterExtension
    static final ServersExtension servers = new ServersExtension();

    @TempDir
    static Path dir;

    @Test
    void shouldPutEveryInputExactlyOnceInTheOutputOrTheDlq() throws Exception {
        Topics t = Topics.create(servers.kafka(), "e2e", 3);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("e2e"), false);
        Map<String, String> settings = ItSupport.appSettings(servers.kafka(), servers.registryServer().url(), t, bundle,
                dir.resolve("state-e2e"), ItSupport.uniqueId("e2e"));
        List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(servers.registry(), t.input(), 10_000, 0.05,
                new Random(42));
        long bad = inputs.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-")).count();

        try (ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(settings))) {
            ItSupport.produce(servers.kafka(), inputs);
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(4));
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());

            Accounting.of(inputs, c).assertExactlyOnce();
            assertEquals(bad, c.dlq().size());
            for (ConsumerRecord<byte[], byte[]> d : c.dlq()) {
                String expected = key(d).split("-")[1];
                assertEquals(expected, DeadLetters.header(d.headers(), DeadLetters.REASON), key(d));
                assertEquals(t.input(), DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
            }
            AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, servers.registry(), false);
            long l2e = 0;
            for (ConsumerRecord<byte[], byte[]> o : c.output()) {
                ExplainedEvent e = serde.deserializer().deserialize(t.output(), o.value());
                assertEquals(key(o).substring("ok-".length()), e.getEventId());
                if (e.getExplanation().getSource() == ExplanationSource.L2E) {
                    l2e++;
                    assertTrue(e.getTimings().getL2eBatchSize() >= 1);
                }
            }
            assertTrue(l2e > 0 && l2e < c.output().size(), "some, not all, events go to L2E: " + l2e);

            String metrics = ItSupport.get(app.httpPort(), "/metrics");
            assertTrue(metrics.contains("explainstream_l2e_provider{provider=\"CPU\"} 1.0"), metrics);
            assertTrue(metrics.contains("explainstream_events_explained_total{source=\"L2E\"} " + l2e + ".0"),
                    metrics);
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams' own metrics are bound");
            assertEquals("ready\n", ItSupport.get(app.httpPort(), "/health/ready"));
        }
    }

    @Test
    void shouldExplainEventsFromATopicWithTheRunCommandAndStopOnSigterm() throws Exception {
        Topics t = Topics.create(servers.kafka(), "run", 2);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("run"), false);
        int httpPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Map<String, String> settings = ItSupport.appSettings(servers.kafka(), servers.registryServer().url(), t, bundle,
                dir.resolve("state-run"), ItSupport.uniqueId("run"));
        settings.put("explainstream.http.port", Integer.toString(httpPort));
        Path config = ItSupport.propertiesFile(dir.resolve("run.properties"), settings);
        Path log = dir.resolve("run.log");
        Process p = AppProcess.start(config, log);
        try {
            List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(servers.registry(), t.input(), 300, 0.1,
                    new Random(7));
            ItSupport.produce(servers.kafka(), inputs);
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(3));
            assertEquals(inputs.size(), c.size(), () -> ItSupport.tail(log));
            assertTrue(ItSupport.get(httpPort, "/metrics").contains("explainstream_l2e_provider{provider=\"CPU\"} 1.0"));
            p.destroy();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "stops within 90 s of SIGTERM");
            int exit = p.exitValue();
            assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + ItSupport.tail(log));
            String text = Files.readString(log);
            assertTrue(text.contains("shutting down"), text);
            assertTrue(text.contains("-> NOT_RUNNING"), text);
        } finally {
            p.destroyForcibly();
        }
    }
}
