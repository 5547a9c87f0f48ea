package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.explainstream.app.config.Secrets;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import io.explainstream.testkit.TestTls;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code loadtest --bootstrap-servers} against a cluster whose only client listener is SASL_SSL (a real KRaft broker,
 * SCRAM-SHA-512 over TLS, StandardAuthorizer, no access without an ACL): the TLS and SASL settings given with --set
 * and, for the secrets, in a --config file (whose sasl.mechanism --set overrides) reach the load test's own producer
 * and consumers as well as the app, every event sent comes out explained, and the report names those settings with
 * their secrets masked.
 */
class SecureClusterLoadTestIT {
    private static final String USER = "loadtest";

    @TempDir
    Path dir;

    @Test
    void drivesTheAppOverSaslSslWithTheSettingsGivenToIt() throws Exception {
        String password = "scram-" + UUID.randomUUID();
        TestTls tls = TestTls.generate(dir.resolve("tls"), "ks-" + UUID.randomUUID(), "ts-" + UUID.randomUUID());
        try (EmbeddedKafka kafka = EmbeddedKafka.startSecure(dir.resolve("broker"), tls);
             ApicurioRegistry registry = ApicurioRegistry.start()) {
            kafka.createScramUser(USER, password);
            grantEverything(kafka);
            Path json = dir.resolve("r.json");
            String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                    + "\" password=\"" + password + "\";";
            Properties secrets = new Properties();
            secrets.setProperty("sasl.jaas.config", jaas);
            secrets.setProperty("ssl.truststore.password", tls.truststorePassword());
            secrets.setProperty("sasl.mechanism", "PLAIN");
            Path config = dir.resolve("secrets.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                secrets.store(w, null);
            }
            int exit = new CommandLine(new LoadTestCommand()).execute("--bootstrap-servers",
                    kafka.secureBootstrapServers(), "--registry-url", registry.url(), "--rate", "300", "--warmup", "2",
                    "--duration", "4", "--guarantee", "at_least_once", "--commit-interval-ms", "100",
                    "--config", config.toString(),
                    "--set", "security.protocol=SASL_SSL",
                    "--set", "sasl.mechanism=" + EmbeddedKafka.SCRAM_MECHANISM,
                    "--set", "ssl.truststore.type=PKCS12",
                    "--set", "ssl.truststore.location=" + tls.truststore(),
                    "--json", json.toString());
            assertEquals(0, exit, "exit status");
            JsonNode r = new ObjectMapper().readTree(json.toFile());
            assertTrue(r.get("events_sent").asLong() >= 1_500, r.toString());
            assertEquals(r.get("events_sent").asLong(), r.get("events_out").asLong() + r.get("events_dlq").asLong(),
                    "every event sent came out");
            assertTrue(r.get("latency_ms").get("count").asLong() >= 1_000, r.toString());
            String report = Files.readString(json);
            assertFalse(report.contains(password) || report.contains(tls.truststorePassword()),
                    "the report shows no secret: " + r.get("settings"));
            assertEquals(Secrets.HIDDEN, r.get("settings").get("sasl.jaas.config").asText());
        }
    }

    private static void grantEverything(EmbeddedKafka kafka) throws Exception {
        AccessControlEntry all = new AccessControlEntry("User:" + USER, "*", AclOperation.ALL,
                AclPermissionType.ALLOW);
        List<AclBinding> acls = new ArrayList<>();
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            acls.add(new AclBinding(new ResourcePattern(type, "*", PatternType.LITERAL), all));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), all));
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        }
    }
}
