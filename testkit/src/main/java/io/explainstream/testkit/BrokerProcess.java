package io.explainstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller in one) in a child JVM on 127.0.0.1, that can be stopped
 * and started again on the same data folder and the same ports: for tests of broker restarts. The node is
 * formatted once ({@code kafka.tools.StorageTool format --standalone}) and runs {@code kafka.Kafka}, with this JVM's
 * class path (which holds {@code kafka_2.13}). Sized like {@link EmbeddedKafka}: replication factor 1 for internal
 * topics, no initial rebalance delay, no automatic topic creation. Its log is {@code DATA/broker.log}.
 * The child is destroyed by {@link #close()} or, failing that, by a JVM shutdown hook.
 */
public final class BrokerProcess implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final Path config;
    private final Path logFile;
    private final int port;
    private final ChildProcess child;

    private BrokerProcess(Path dataDir, int port, int controllerPort) throws IOException {
        this.dataDir = dataDir;
        this.port = port;
        this.logFile = dataDir.resolve("broker.log");
        this.config = dataDir.resolve("server.properties");
        Files.writeString(config, properties(dataDir.resolve("logs"), port, controllerPort), StandardCharsets.UTF_8);
        this.child = new ChildProcess("the Kafka broker", logFile, STOP_TIMEOUT);
    }

    /** Formats a new node under {@code dataDir} (created; deleted by {@link #close()}), starts it and waits for it. */
    public static BrokerProcess start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            BrokerProcess broker = new BrokerProcess(dataDir, ChildProcess.freePort(), ChildProcess.freePort());
            try {
                broker.format();
                broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a Kafka broker in " + dataDir + ": " + e, e);
        }
    }

    static String properties(Path logDirs, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDirs,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "");
    }

    private void format() {
        // Without eligible leader replicas (KIP-966) a single node stays in its partitions' ISR when it stops, so
        // a restart after a crash elects it cleanly; with them, a SIGKILLed lone node comes back through an
        // unclean election, and the transaction coordinator can lose state (a hanging transaction that blocks
        // read_committed readers for good). ELR needs more than one replica to be of use anyway.
        child.runOnce(new ProcessBuilder(java("kafka.tools.StorageTool", "format", "--standalone", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString(),
                "--feature", "eligible.leader.replicas.version=0")), Duration.ofSeconds(60),
                "formatting the Kafka node");
    }

    /** Starts the broker (again), on the same data and ports, and waits until it answers; no-op if it runs. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        long started = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            child.start(new ProcessBuilder(java("kafka.Kafka", config.toString())), START_TIMEOUT,
                    () -> !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty());
        }
        LOG.info("Kafka broker ready at {} in {} ms (pid {}, log {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), child.pid(), logFile);
    }

    /** Stops the broker with SIGTERM (a controlled shutdown), SIGKILL after 30 s; its data stays. */
    public synchronized void stop() {
        if (child.stop()) {
            LOG.warn("Kafka broker did not stop within {}; killed it", STOP_TIMEOUT);
        }
    }

    /** Kills the broker with SIGKILL (a crash: no controlled shutdown, log recovery at the next start). */
    public synchronized void kill() {
        child.kill();
    }

    /** Whether the broker process is alive. */
    public boolean running() {
        return child.running();
    }

    /** The broker's process id, or -1 when it is not running. */
    public long pid() {
        return child.pid();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's log file (the storage tool's output and every incarnation's, appended). */
    public Path logFile() {
        return logFile;
    }

    @Override
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000));
    }

    @Override
    public void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            admin.createTopics(Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topics " + Arrays.toString(names) + ": " + e, e);
        }
    }

    /** Kills the broker and deletes its data folder. */
    @Override
    public void close() {
        child.close();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dataDir, e.toString());
        }
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = ChildProcess.java(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
