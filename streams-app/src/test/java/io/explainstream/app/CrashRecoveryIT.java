package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * Nothing lost, nothing duplicated through crashes: the app runs as its own process ({@code bin/explainstream run})
 * under paced load and is killed with SIGKILL at random moments (during processing, L2E micro-batches and commits
 * alike: with a 32-event batch and a 100 ms commit interval both are nearly always in flight) and restarted.
 * The output and DLQ are read with read_committed. {@code CRASH_SEED} repeats a run's kill schedule.
 */
class CrashRecoveryIT {
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final int KILLS = Integer.getInteger("crash.kills", 3);
    @RegisterExtension
    static final ServersExtension servers = new ServersExtension();

    @TempDir
    static Path dir;

    @BeforeAll
    static void printSeed() {
        System.out.println("crash.seed=" + SEED + " crash.kills=" + KILLS);
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenTheAppIsKilledAndRestarted() throws Exception {
        Random random = new Random(SEED);
        Topics t = Topics.create(servers.kafka(), "crash", 3);
        Path config = config(t, "crash", "crash-1");
        Path log = dir.resolve("crash.log");
        List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(servers.registry(), t.input(), 4000, 0.05,
                random);
        CompletableFuture<Void> load = ItSupport.paced(servers.kafka(), inputs, Duration.ofSeconds(20));
        Process app = AppProcess.start(config, log);
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                ItSupport.awaitRunning(log, kill + 1);
                Thread.sleep(300 + random.nextInt(2000));
                app.destroyForcibly();
                assertTrue(app.waitFor(30, TimeUnit.SECONDS));
                System.out.println("killed the app (kill " + (kill + 1) + " of " + KILLS + ")");
                app = AppProcess.start(config, log);
            }
            load.get(2, TimeUnit.MINUTES);
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(4));
            Accounting a = Accounting.of(inputs, c);
            System.out.println("crash: " + a.in() + " in, " + a.out() + " out, " + a.dlq() + " dlq, "
                    + a.lost().size() + " lost, " + a.duplicated().size() + " duplicated, " + KILLS + " kills");
            if (!a.lost().isEmpty() || !a.duplicated().isEmpty()) {
                System.out.println(ItSupport.tail(log));
            }
            java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("restored"))
                    .forEach(l -> System.out.println("app: " + l));
            a.assertExactlyOnce();
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenOneOfTwoInstancesIsKilled() throws Exception {
        Random random = new Random(SEED + 1);
        Topics t = Topics.create(servers.kafka(), "rebalance", 4);
        String applicationId = ItSupport.uniqueId("rebalance");
        Path configA = config(t, applicationId, "instance-a");
        Path configB = config(t, applicationId, "instance-b");
        Path log = dir.resolve("rebalance.log");
        List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(servers.registry(), t.input(), 3000, 0.05,
                random);
        Process a = AppProcess.start(configA, log);
        Process b = AppProcess.start(configB, log);
        try {
            CompletableFuture<Void> load = ItSupport.paced(servers.kafka(), inputs, Duration.ofSeconds(15));
            ItSupport.awaitRunning(log, 2);
            Thread.sleep(1000 + random.nextInt(3000));
            a.destroyForcibly();
            assertTrue(a.waitFor(30, TimeUnit.SECONDS));
            System.out.println("killed instance a; instance b takes over its tasks");
            load.get(2, TimeUnit.MINUTES);
            Collected c = ItSupport.collect(servers.kafka(), t, inputs.size(), Duration.ofMinutes(4));
            Accounting acc = Accounting.of(inputs, c);
            System.out.println("rebalance: " + acc.in() + " in, " + acc.out() + " out, " + acc.dlq() + " dlq, "
                    + acc.lost().size() + " lost, " + acc.duplicated().size() + " duplicated");
            acc.assertExactlyOnce();
            assertTrue(b.isAlive(), "the surviving instance keeps running");
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    private Path config(Topics t, String applicationId, String instance) throws Exception {
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("bundle-" + instance), false);
        Map<String, String> s = ItSupport.appSettings(servers.kafka(), servers.registryServer().url(), t, bundle,
                dir.resolve("state-" + instance), applicationId.startsWith("it-") ? applicationId
                        : ItSupport.uniqueId(applicationId));
        s.put("group.instance.id", instance);
        s.put("session.timeout.ms", "6000");
        s.put("producer.transaction.timeout.ms", "6000");
        s.put("explainstream.http.port", "-1");
        return ItSupport.propertiesFile(dir.resolve(instance + ".properties"), s);
    }
}
