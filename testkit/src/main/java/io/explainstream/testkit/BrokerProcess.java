package io.explainstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
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
 * A real KRaft cluster of one broker and one controller, each in a child JVM on 127.0.0.1, whose broker can be
 * stopped, killed and started again on the same data folder and the same ports: for tests of broker restarts. The
 * controller runs apart from the broker, as in production, so a broker killed with SIGKILL is fenced by a live
 * controller (its partitions lose their leader) within {@value #BROKER_SESSION_MS} ms, and comes back through a clean
 * election. (With broker and controller in one process, the killed node restarts from metadata that still names it
 * leader; its transaction coordinator then resumes a commit while the controller briefly takes the leadership away,
 * and Kafka skips the markers of partitions without a leader as if they had been deleted: a committed transaction
 * stays open on them for good.) Both nodes are formatted once ({@code kafka.tools.StorageTool format}) and run
 * {@code kafka.Kafka}, with this JVM's class path (which holds {@code kafka_2.13}). Sized like {@link EmbeddedKafka}:
 * replication factor 1 for internal topics, no initial rebalance delay, no automatic topic creation. Logs are
 * {@code DATA/broker.log} and {@code DATA/controller.log}. The children are destroyed by {@link #close()} or, failing
 * that, by a JVM shutdown hook.
 */
public final class BrokerProcess implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    static final int BROKER_SESSION_MS = 2000;

    private final Path dataDir;
    private final Path config;
    private final Path controllerConfig;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final ChildProcess child;
    private final ChildProcess controller;

    private BrokerProcess(Path dataDir, int port, int controllerPort) throws IOException {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.logFile = dataDir.resolve("broker.log");
        this.config = dataDir.resolve("broker.properties");
        this.controllerConfig = dataDir.resolve("controller.properties");
        Files.writeString(config, properties(dataDir.resolve("logs"), port, controllerPort), StandardCharsets.UTF_8);
        Files.writeString(controllerConfig, controllerProperties(dataDir.resolve("metadata"), controllerPort),
                StandardCharsets.UTF_8);
        this.child = new ChildProcess("the Kafka broker", logFile, STOP_TIMEOUT);
        this.controller = new ChildProcess("the KRaft controller", dataDir.resolve("controller.log"), STOP_TIMEOUT);
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
                "process.roles=broker",
                "node.id=2",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "broker.heartbeat.interval.ms=500",
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

    static String controllerProperties(Path metadataDir, int controllerPort) {
        return String.join("\n",
                "process.roles=controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT",
                "broker.session.timeout.ms=" + BROKER_SESSION_MS,
                "log.dirs=" + metadataDir,
                "");
    }

    private void format() {
        String cluster = Uuid.randomUuid().toString();
        // Without eligible leader replicas (KIP-966) a lone replica stays in its partitions' ISR when its broker
        // stops, so a restart elects it cleanly; ELR needs more than one replica to be of use anyway.
        controller.runOnce(new ProcessBuilder(java("kafka.tools.StorageTool", "format", "--standalone", "-t",
                cluster, "-c", controllerConfig.toString(), "--feature", "eligible.leader.replicas.version=0")),
                Duration.ofSeconds(60), "formatting the KRaft controller");
        child.runOnce(new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", cluster, "-c",
                config.toString())), Duration.ofSeconds(60), "formatting the Kafka broker");
    }

    /**
     * Starts the broker (again; and the controller, if it does not run), on the same data and ports, and waits until
     * it answers; no-op if it runs.
     */
    public synchronized void start() {
        if (running()) {
            return;
        }
        if (!controller.running()) {
            controller.start(new ProcessBuilder(java("kafka.Kafka", controllerConfig.toString())), START_TIMEOUT,
                    () -> {
                        try (Socket socket = new Socket("127.0.0.1", controllerPort)) {
                            return socket.isConnected();
                        }
                    });
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

    /** Stops the broker with SIGTERM (a controlled shutdown), SIGKILL after 30 s; its data stays; the controller runs on. */
    public synchronized void stop() {
        if (child.stop()) {
            LOG.warn("Kafka broker did not stop within {}; killed it", STOP_TIMEOUT);
        }
    }

    /**
     * Kills the broker with SIGKILL (a crash: no controlled shutdown, log recovery at the next start); the controller
     * runs on and fences it.
     */
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

    /** Kills the broker and the controller and deletes their data folder. */
    @Override
    public void close() {
        child.close();
        controller.close();
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
