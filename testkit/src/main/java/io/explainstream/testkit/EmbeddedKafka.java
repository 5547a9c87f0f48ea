package io.explainstream.testkit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, in-process Kafka broker for tests: one combined KRaft broker+controller node listening on 127.0.0.1,
 * sized for a single node (replication factor 1 for internal topics, no initial rebalance delay) and with
 * automatic topic creation off, so tests create their topics explicitly. Starts in a few seconds;
 * {@link #close()} stops it and deletes its data.
 *
 * <p>{@link #startSecure} adds a second client listener, {@code SECURE}: SASL_SSL with SCRAM-SHA-512, and turns on
 * KRaft's {@code StandardAuthorizer} (no ACL, no access). The plaintext listener ({@link #bootstrapServers()}) and the
 * controller listener stay, for the test's own clients and the node itself, whose principal {@code User:ANONYMOUS}
 * is the only super user: it creates topics, SCRAM users ({@link #createScramUser}) and ACLs.
 */
public final class EmbeddedKafka implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The SASL_SSL listener of {@link #startSecure}. */
    public static final String SECURE_LISTENER = "SECURE";
    /** The SASL mechanism of the SASL_SSL listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers().replace("localhost:", "127.0.0.1:");
    }

    /** Formats and starts the node and waits until the broker is ready. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * Like {@link #start()}, with the node's data under {@code dataDirectory} (created if needed; deleted by
     * {@link #close()}) instead of a temporary folder that a JVM shutdown hook deletes (possibly while the broker
     * still runs, when the JVM stops on a signal).
     */
    public static EmbeddedKafka start(java.nio.file.Path dataDirectory) {
        return start(dataDirectory, Map.of("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0"));
    }

    /**
     * Like {@link #start(java.nio.file.Path)}, plus the SASL_SSL listener {@value #SECURE_LISTENER} (SCRAM-SHA-512,
     * TLS with {@code tls}'s keystore) and the StandardAuthorizer: clients there see only what ACLs grant them.
     */
    public static EmbeddedKafka startSecure(java.nio.file.Path dataDirectory, TestTls tls) {
        String secure = "listener.name." + SECURE_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "EXTERNAL://127.0.0.1:0," + SECURE_LISTENER + "://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
        props.put("listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT," + SECURE_LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        props.put(secure + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        props.put(secure + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put(secure + "ssl.keystore.type", "PKCS12");
        props.put(secure + "ssl.keystore.location", tls.keystore().toString());
        props.put(secure + "ssl.keystore.password", tls.keystorePassword());
        props.put(secure + "ssl.key.password", tls.keystorePassword());
        props.put(secure + "ssl.client.auth", "none");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("super.users", "User:ANONYMOUS");
        return start(dataDirectory, props);
    }

    private static EmbeddedKafka start(java.nio.file.Path dataDirectory, Map<String, String> listenerProps) {
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1);
            if (dataDirectory != null) {
                nodes.setBaseDirectory(java.nio.file.Files.createDirectories(dataDirectory));
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
            listenerProps.forEach(builder::setConfigProp);
            cluster = builder
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster);
            LOG.info("Embedded Kafka broker started, bootstrap servers {}", kafka.bootstrapServers);
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker failed to start: " + e, e);
        }
    }

    /** The {@code bootstrap.servers} value for clients. */
    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The {@code bootstrap.servers} value for clients of the SASL_SSL listener of {@link #startSecure}. */
    public String secureBootstrapServers() {
        return "127.0.0.1:" + cluster.brokers().values().iterator().next()
                .boundPort(ListenerName.normalised(SECURE_LISTENER));
    }

    /**
     * Creates (or updates) the SCRAM-SHA-512 credential of {@code user} through the plaintext listener, and waits
     * until the broker knows it.
     */
    public void createScramUser(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all()
                    .get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.describeUserScramCredentials(List.of(user)).all().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM user " + user, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create SCRAM user " + user + ": " + e, e);
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    @Override
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates the topics with {@code partitions} partitions each (replication factor 1) and waits for them. */
    @Override
    public void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            admin.createTopics(Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topics " + Arrays.toString(names) + ": " + e.getCause(), e.getCause());
        }
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        try {
            cluster.close();
            LOG.info("Embedded Kafka broker {} stopped", bootstrapServers);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not stop cleanly: " + e, e);
        }
    }
}
