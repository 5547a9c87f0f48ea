package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.BrokerProcess;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing lost, nothing duplicated through broker restarts: the app runs as its own process
 * ({@code bin/explainstream run}, exactly_once_v2) under paced load while the broker (a child process, same data and
 * port) is stopped cleanly and started again, then killed with SIGKILL and started again. The app is never
 * restarted: it must recover by itself. Output and DLQ are read with read_committed. {@code -Dbroker.seed=N}
 * repeats a run's timing; {@code -Dbroker.kills=N} kills it N times (1000 more events, 10 s more load, per kill).
 *
 * <p>The broker's KRaft controller is a process of its own ({@link BrokerProcess}), so a killed broker is fenced by a
 * live controller; with both in one process, a SIGKILL could leave a committed transaction open for good (see
 * RELIABILITY.md). When the accounting fails, the test prints every open transaction and keeps the logs.
 */
class BrokerRestartIT {
    private static final long SEED = Long.getLong("broker.seed", System.nanoTime());
    private static final int KILLS = Integer.getInteger("broker.kills", 1);

    @TempDir
    Path dir;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheBrokerRestartsUnderLoad() throws Exception {
        System.out.println("broker.seed=" + SEED);
        Random random = new Random(SEED);
        try (BrokerProcess kafka = BrokerProcess.start(dir.resolve("kafka"));
             ApicurioRegistry registryServer = ApicurioRegistry.start();
             ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.connect(
                     new RegistrySettings(registryServer.url(), true, Map.of()))) {
            Topics t = Topics.create(kafka, "restart", 3);
            LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("bundle"), false);
            Map<String, String> s = ItSupport.appSettings(kafka, registryServer.url(), t, bundle,
                    dir.resolve("state"), ItSupport.uniqueId("restart"));
            s.put("group.instance.id", "restart-1");
            s.put("session.timeout.ms", "6000");
            s.put("producer.transaction.timeout.ms", "6000");
            s.put("explainstream.http.port", "-1");
            Path config = ItSupport.propertiesFile(dir.resolve("app.properties"), s);
            Path log = dir.resolve("app.log");
            List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(registry, t.input(), 3000 + 1000 * (KILLS - 1),
                    0.05, random);
            Process app = AppProcess.start(config, log);
            try {
                ItSupport.awaitRunning(log, 1);
                CompletableFuture<Void> load = ItSupport.paced(kafka, inputs, Duration.ofSeconds(inputs.size() / 100));
                outage(kafka, kafka::stop, "stopped (SIGTERM)", 3000, random);
                for (int kill = 0; kill < KILLS; kill++) {
                    outage(kafka, kafka::kill, "killed (SIGKILL)", 4000, random);
                }
                load.get(3, TimeUnit.MINUTES);
                Collected c = ItSupport.collect(kafka, t, inputs.size(), Duration.ofMinutes(3));
                Accounting a = Accounting.of(inputs, c);
                System.out.println("broker restarts: " + a.in() + " in, " + a.out() + " out, " + a.dlq() + " dlq, "
                        + a.lost().size() + " lost, " + a.duplicated().size() + " duplicated, " + (1 + KILLS)
                        + " restarts");
                if (!a.lost().isEmpty() || !a.duplicated().isEmpty()) {
                    System.out.println(ItSupport.tail(log));
                    System.out.println(ItSupport.transactionReport(kafka));
                    ItSupport.keepLogs("BrokerRestartIT", log, kafka.logFile());
                }
                a.assertExactlyOnce();
                assertTrue(app.isAlive(), "the app recovered by itself, without a restart\n" + ItSupport.tail(log));
            } finally {
                app.destroyForcibly();
                app.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** After {@code upMillis} and up to 3 s more, takes the broker down; 3–6 s later starts it again. */
    private static void outage(BrokerProcess kafka, Runnable down, String how, int upMillis, Random random)
            throws InterruptedException {
        Thread.sleep(upMillis + random.nextInt(3000));
        down.run();
        System.out.println("broker " + how);
        Thread.sleep(3000 + random.nextInt(3000));
        kafka.start();
        System.out.println("broker started again");
    }
}
