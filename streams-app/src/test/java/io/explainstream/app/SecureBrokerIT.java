package io.explainstream.app;

import io.explainstream.app.ItSupport.Accounting;
import io.explainstream.app.ItSupport.Collected;
import io.explainstream.app.ItSupport.Topics;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import io.explainstream.testkit.TestTls;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app against a secured broker: a real KRaft broker whose client listener is SASL_SSL (SCRAM-SHA-512 over TLS
 * with a certificate made for the test) and whose StandardAuthorizer grants the app's principal exactly the ACLs
 * the README's Security section lists. The app runs as its own process ({@code bin/explainstream run}) with its
 * secrets in files named by {@code *_FILE} variables; its whole log, its /metrics and the error of a bad password
 * are searched for every secret. The test's own clients use the broker's plaintext listener as a super user.
 */
class SecureBrokerIT {
    private static final String APP_USER = "explainstream";
    private static final String SCRAM_PASSWORD = "scram-pw-" + UUID.randomUUID();
    private static final String KEYSTORE_PASSWORD = "keystore-pw-" + UUID.randomUUID();
    private static final String TRUSTSTORE_PASSWORD = "truststore-pw-" + UUID.randomUUID();
    private static final String REGISTRY_PASSWORD = "registry-pw-" + UUID.randomUUID();
    private static final String HTTP_TOKEN = "http-token-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-pw-" + UUID.randomUUID();
    private static final Map<String, String> SECRETS = Map.of("the SCRAM password", SCRAM_PASSWORD,
            "the broker's keystore password", KEYSTORE_PASSWORD, "the truststore password", TRUSTSTORE_PASSWORD,
            "the registry password", REGISTRY_PASSWORD, "the HTTP token", HTTP_TOKEN,
            "the wrong SCRAM password", WRONG_PASSWORD);

    @TempDir
    static Path dir;

    private static TestTls tls;
    private static ItServers servers;
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registryServer;
    private static ConfluentSchemaRegistry registry;

    @BeforeAll
    static void startServers() {
        tls = TestTls.generate(dir.resolve("tls"), KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD);
        servers = ItServers.around(EmbeddedKafka.startSecure(dir.resolve("broker"), tls));
        kafka = servers.kafka();
        kafka.createScramUser(APP_USER, SCRAM_PASSWORD);
        registryServer = servers.registryServer();
        registry = servers.registry();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void explainsOverSaslSslWithTheDocumentedAclsAndNoSecretLeaks() throws Exception {
        Topics t = Topics.create(kafka, "sec", 2);
        kafka.createTopics(1, "sec.fidelity", "sec.alerts");
        String appId = ItSupport.uniqueId("sec");
        grantReadmeAcls(appId, t);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("bundle"), false);
        int httpPort = freePort();
        Map<String, String> settings = secureSettings(t, bundle, appId, httpPort);
        settings.put("basic.auth.credentials.source", "USER_INFO");
        Map<String, String> env = Map.of(
                "EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secretFile("jaas", jaas(SCRAM_PASSWORD)),
                "EXPLAINSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", secretFile("truststore-pw", TRUSTSTORE_PASSWORD),
                "EXPLAINSTREAM_BASIC_AUTH_USER_INFO_FILE", secretFile("registry", APP_USER + ":" + REGISTRY_PASSWORD),
                "EXPLAINSTREAM_HTTP_TOKEN_FILE", secretFile("token", HTTP_TOKEN));
        Path log = dir.resolve("secure-run.log");
        Process p = AppProcess.start(ItSupport.propertiesFile(dir.resolve("secure.properties"), settings), log, env);
        String metrics;
        try {
            List<ProducerRecord<byte[], byte[]>> inputs = ItSupport.inputs(registry, t.input(), 300, 0.1,
                    new Random(11));
            long bad = inputs.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-"))
                    .count();
            ItSupport.produce(kafka, inputs);
            Collected c = ItSupport.collect(kafka, t, inputs.size(), Duration.ofMinutes(3));
            assertEquals(inputs.size(), c.size(), () -> ItSupport.tail(log));
            Accounting.of(inputs, c).assertExactlyOnce();
            assertEquals(bad, c.dlq().size());
            AvroSerde<ExplainedEvent> serde = new AvroSerde<>(ExplainedEvent.class, registry, false);
            for (ConsumerRecord<byte[], byte[]> o : c.output()) {
                ExplainedEvent e = serde.deserializer().deserialize(t.output(), o.value());
                assertEquals(ItSupport.key(o).substring("ok-".length()), e.getEventId());
                assertFalse(e.getExplanation().getFeatures().isEmpty());
            }

            assertEquals(401, http(httpPort, "/metrics", null).statusCode());
            assertEquals(401, http(httpPort, "/metrics", "Bearer " + WRONG_PASSWORD).statusCode());
            assertEquals(401, http(httpPort, "/health/ready", null).statusCode());
            assertEquals(200, http(httpPort, "/health/live", null).statusCode());
            assertEquals("ready\n", http(httpPort, "/health/ready", "Bearer " + HTTP_TOKEN).body());
            HttpResponse<String> scrape = http(httpPort, "/metrics", "Bearer " + HTTP_TOKEN);
            assertEquals(200, scrape.statusCode());
            metrics = scrape.body();
            assertTrue(metrics.contains("explainstream_events_explained_total"), metrics);

            p.destroy();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "stops within 90 s of SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertTrue(text.contains("configuration:"), "the configuration is logged at start:\n" + text);
        for (String masked : List.of("sasl.jaas.config = [hidden]", "ssl.truststore.password = [hidden]",
                "basic.auth.user.info = [hidden]", "basic.auth.credentials.source = USER_INFO",
                "bearer token required", "security.protocol = SASL_SSL",
                "sasl.mechanism = SCRAM-SHA-512")) {
            assertTrue(text.contains(masked), masked + " missing from the log:\n" + ItSupport.tail(log));
        }
        assertTrue(text.contains("-> NOT_RUNNING"), ItSupport.tail(log));
        assertNoSecret("the app's log", text);
        assertNoSecret("/metrics", metrics);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheErrorShowsNoSecret() throws Exception {
        try (Admin admin = Admin.create(secureClient(jaas(WRONG_PASSWORD), true))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(60, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
            assertNoSecret("the client's error", e.toString());
        }

        Topics t = Topics.create(kafka, "badpw", 1);
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir.resolve("bundle-badpw"), false);
        Map<String, String> settings = secureSettings(t, bundle, ItSupport.uniqueId("badpw"), 0);
        Path log = dir.resolve("badpw-run.log");
        Process p = AppProcess.start(ItSupport.propertiesFile(dir.resolve("badpw.properties"), settings), log,
                Map.of("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG", jaas(WRONG_PASSWORD),
                        "EXPLAINSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD));
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gives up on a bad password");
            assertEquals(2, p.exitValue(), ItSupport.tail(log));
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertTrue(text.contains("explainstream run: cannot list topics"), text);
        assertTrue(text.contains("Authentication failed"), text);
        assertTrue(text.contains("sasl.jaas.config = [hidden]"), text);
        assertNoSecret("the log of a run with a bad password", text);
    }

    @Test
    void aClientThatDoesNotTrustTheBrokersCertificateIsRefused() {
        try (Admin admin = Admin.create(secureClient(jaas(SCRAM_PASSWORD), false))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(60, TimeUnit.SECONDS));
            assertInstanceOf(SslAuthenticationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void aUserWithoutAclsSeesNothing() {
        Topics t = Topics.create(kafka, "noacl", 1);
        String intruderPassword = "intruder-pw-" + UUID.randomUUID();
        kafka.createScramUser("intruder", intruderPassword);
        try (Admin admin = Admin.create(secureClient(jaas("intruder", intruderPassword), true))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of(t.input())).allTopicNames().get(60, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
        }
    }

    /** Grants {@code User:explainstream} the README's ACLs, with this test's application.id and topics. */
    private static void grantReadmeAcls(String appId, Topics t) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, String> vars = Map.of("APP_ID", appId, "INPUT", t.input(), "OUTPUT", t.output(),
                "DLQ", t.dlq(), "FIDELITY", "sec.fidelity", "ALERTS", "sec.alerts");
        List<AclBinding> acls = AclCommands.parse(readme, vars, "User:" + APP_USER);
        assertTrue(acls.size() >= 10, acls.toString());
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> secureSettings(Topics t, LoadedBundle bundle, String appId, int httpPort) {
        Map<String, String> s = ItSupport.appSettings(kafka, registryServer.url(), t, bundle,
                dir.resolve("state-" + appId), appId);
        s.put("bootstrap.servers", kafka.secureBootstrapServers());
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", EmbeddedKafka.SCRAM_MECHANISM);
        s.put("ssl.truststore.type", "PKCS12");
        s.put("ssl.truststore.location", tls.truststore().toString());
        s.put("explainstream.http.port", Integer.toString(httpPort));
        return s;
    }

    private static Map<String, Object> secureClient(String jaas, boolean trustTheBroker) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.secureBootstrapServers());
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        c.put(SaslConfigs.SASL_MECHANISM, EmbeddedKafka.SCRAM_MECHANISM);
        c.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        c.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        if (trustTheBroker) {
            c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
            c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TRUSTSTORE_PASSWORD);
        }
        return c;
    }

    private static String jaas(String password) {
        return jaas(APP_USER, password);
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String secretFile(String name, String content) throws Exception {
        Path f = dir.resolve("secrets").resolve(name);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, content + "\n").toString();
    }

    private static void assertNoSecret(String where, String text) {
        SECRETS.forEach((what, secret) -> assertFalse(text.contains(secret), what + " appears in " + where));
    }

    private static HttpResponse<String> http(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
