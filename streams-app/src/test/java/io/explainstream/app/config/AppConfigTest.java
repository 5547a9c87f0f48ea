package io.explainstream.app.config;

import io.explainstream.app.l2e.ProviderChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppConfigTest {

    /** The smallest valid configuration: the three required keys. */
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("explainstream.bundle.path", "/models/credit");
        m.put("bootstrap.servers", "broker-1:9092");
        m.put("schema.registry.url", "http://registry:8081");
        return m;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return m;
    }

    private static ConfigException refused(Map<String, String> values) {
        return assertThrows(ConfigException.class, () -> AppConfig.parse(values));
    }

    @Test
    void defaultsApplyWhenOnlyTheRequiredKeysAreSet() {
        AppConfig c = AppConfig.parse(minimal());

        assertEquals(Path.of("/models/credit"), c.bundlePath());
        assertEquals(Stage.ALL, c.stage());
        assertEquals(new Topics("predictions", "predictions.explained", "predictions.dlq",
                "predictions.l2e-requests"), c.topics());
        assertNull(c.minPosterior());
        assertNull(c.maxResidual());
        assertEquals(new L2eSettings(true, ProviderChoice.AUTO, 64, Duration.ofMillis(20), 1), c.l2e());
        assertEquals(10, c.maxFeatures());
        assertEquals("http://registry:8081", c.registry().url());
        assertTrue(c.registry().autoRegister());
        assertTrue(c.registry().clientProperties().isEmpty());

        assertEquals("broker-1:9092", c.kafka().get("bootstrap.servers"));
        assertEquals("explainstream", c.kafka().get("application.id"));
        assertEquals("exactly_once_v2", c.kafka().get("processing.guarantee"));
        assertEquals("true", c.kafka().get("ensure.explicit.internal.resource.naming"));
        assertEquals("131072", c.kafka().get("producer.batch.size"));
        assertFalse(c.kafka().containsKey("schema.registry.url"), "the registry URL is not a Kafka setting");
        assertFalse(c.kafka().keySet().stream().anyMatch(k -> k.startsWith("explainstream.")),
                "explainstream's own keys are not passed to Kafka: " + c.kafka().keySet());
    }

    @Test
    void userValuesReplaceTheDefaults() {
        Map<String, String> m = minimal();
        m.put("explainstream.stage", "GIME");
        m.put("explainstream.topic.input", "scores");
        m.put("explainstream.l2e.provider", " cpu ");
        m.put("explainstream.l2e.batch-size", "256");
        m.put("explainstream.routing.min-posterior", "0.75");
        m.put("application.id", "explainstream-credit");
        m.put("processing.guarantee", "at_least_once");
        m.put("producer.batch.size", "16384");

        AppConfig c = AppConfig.parse(m);

        assertEquals(Stage.GIME, c.stage());
        assertEquals("scores", c.topics().input());
        assertEquals(ProviderChoice.CPU, c.l2e().provider());
        assertEquals(256, c.l2e().batchSize());
        assertEquals(0.75, c.minPosterior());
        assertEquals("explainstream-credit", c.kafka().get("application.id"));
        assertEquals("at_least_once", c.kafka().get("processing.guarantee"));
        assertEquals("16384", c.kafka().get("producer.batch.size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"explainstream.bundle.path", "bootstrap.servers", "schema.registry.url"})
    void eachMissingRequiredKeyIsNamed(String key) {
        Map<String, String> m = minimal();
        m.remove(key);
        ConfigException e = refused(m);
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }

    @Test
    void aBlankRequiredValueCountsAsMissing() {
        ConfigException e = refused(with("explainstream.bundle.path", "   "));
        assertTrue(e.getMessage().contains("'explainstream.bundle.path'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "explainstream.l2e.batch-size        | 0",
            "explainstream.l2e.batch-size        | 4097",
            "explainstream.l2e.batch-size        | many",
            "explainstream.l2e.provider          | gpu",
            "explainstream.routing.min-posterior | 2",
            "explainstream.routing.min-posterior | NaN",
            "explainstream.routing.max-residual  | -1",
            "explainstream.stage                 | everything",
            "explainstream.l2e.enabled           | yes",
            "explainstream.l2e.max-wait-ms       | 0",
            "explainstream.explanation.max-features | 0",
            "explainstream.topic.input           | bad topic!",
            "explainstream.topic.output          | a/b",
            "processing.guarantee                | exactly_once",
    })
    void aBadValueIsRefusedNamingItsKeyAndValue(String key, String value) {
        ConfigException e = refused(with(key, value));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void anUnknownExplainstreamKeyIsRefused() {
        ConfigException e = refused(with("explainstream.l2e.batchsize", "64"));
        assertTrue(e.getMessage().contains("'explainstream.l2e.batchsize'"), e.getMessage());
    }

    @Test
    void laterSourcesWin_fileThenEnvironmentThenOverrides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("explainstream.properties");
        Files.writeString(file, String.join("\n",
                "# comment",
                "explainstream.bundle.path = /from/file",
                "bootstrap.servers = file-broker:9092",
                "schema.registry.url = http://file-registry:8081",
                "explainstream.stage = gime",
                "explainstream.topic.input = file-input",
                "explainstream.l2e.batch-size = 8",
                ""));
        Map<String, String> env = Map.of(
                "EXPLAINSTREAM_STAGE", "l2e",
                "EXPLAINSTREAM_L2E_BATCH_SIZE", "16",
                "EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS", "env-broker:9092",
                "PATH", "/usr/bin");
        Map<String, String> overrides = Map.of("explainstream.l2e.batch-size", "32");

        AppConfig c = AppConfig.parse(ConfigSources.merge(file, env, overrides));

        assertEquals(Path.of("/from/file"), c.bundlePath(), "file only");
        assertEquals("file-input", c.topics().input(), "file only");
        assertEquals("http://file-registry:8081", c.registry().url(), "file only");
        assertEquals(Stage.L2E, c.stage(), "environment beats the file");
        assertEquals("env-broker:9092", c.kafka().get("bootstrap.servers"), "environment beats the file");
        assertEquals(32, c.l2e().batchSize(), "overrides beat the environment and the file");
    }

    @Test
    void aMissingConfigFileIsAConfigException(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigSources.merge(missing, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void kafkaEnvironmentVariablesArePassedThroughToKafka() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"svc\" password=\"jaas-pw-4711\";";
        Map<String, String> env = Map.of(
                "EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG", jaas,
                "EXPLAINSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "EXPLAINSTREAM_BUNDLE_PATH", "/models/env",
                "EXPLAINSTREAM_SCHEMA_REGISTRY_URL", "https://registry.example:8081",
                "EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS", "b1:9093,b2:9093");

        AppConfig c = AppConfig.parse(ConfigSources.merge(null, env, Map.of()));

        assertEquals(jaas, c.kafka().get("sasl.jaas.config"));
        assertEquals("SASL_SSL", c.kafka().get("security.protocol"));
        assertEquals("b1:9093,b2:9093", c.kafka().get("bootstrap.servers"));
        assertEquals(Path.of("/models/env"), c.bundlePath());
        assertEquals("https://registry.example:8081", c.registry().url());
    }

    @Test
    void registryClientKeysGoToTheRegistryNotToKafka() {
        Map<String, String> m = minimal();
        m.put("basic.auth.credentials.source", "USER_INFO");
        m.put("basic.auth.user.info", "svc:registry-pw-0815");
        m.put("schema.registry.ssl.truststore.location", "/etc/tls/registry.jks");
        m.put("auto.register.schemas", "false");

        AppConfig c = AppConfig.parse(m);

        Map<String, String> client = c.registry().clientProperties();
        assertEquals("USER_INFO", client.get("basic.auth.credentials.source"));
        assertEquals("svc:registry-pw-0815", client.get("basic.auth.user.info"));
        assertEquals("/etc/tls/registry.jks", client.get("schema.registry.ssl.truststore.location"));
        assertFalse(c.registry().autoRegister());
        for (String key : client.keySet()) {
            assertFalse(c.kafka().containsKey(key), key + " must not be passed to Kafka");
        }
        assertFalse(c.kafka().containsKey("auto.register.schemas"));
    }

    @Test
    void anUnknownExplainstreamEnvironmentVariableIsRefused() {
        Map<String, String> env = new HashMap<>();
        env.put("EXPLAINSTREAM_FOO", "bar");
        env.put("EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS", "b:9092");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSources.merge(null, env, Map.of()));
        assertTrue(e.getMessage().contains("EXPLAINSTREAM_FOO"), e.getMessage());
    }

    @Test
    void theLauncherVariablesAreNotConfiguration() {
        Map<String, String> env = Map.of(
                "EXPLAINSTREAM_JAVA_OPTS", "-Xmx1g",
                "EXPLAINSTREAM_NO_BUILD", "1",
                "EXPLAINSTREAM_HOME", "/opt/explainstream");
        assertTrue(ConfigSources.merge(null, env, Map.of()).isEmpty());
    }

    /** deploy/explainstream.properties.example must stay a valid configuration, its commented-out keys included. */
    @Test
    void theDeployExampleParses(@TempDir Path dir) throws IOException {
        Path example = Path.of("..", "deploy", "explainstream.properties.example");
        assertTrue(Files.isRegularFile(example), "missing " + example.toAbsolutePath());

        AppConfig plain = AppConfig.parse(ConfigSources.merge(example, Map.of(), Map.of()));
        assertEquals(Stage.ALL, plain.stage());
        assertFalse(plain.kafka().containsKey("security.protocol"), "the SASL block is commented out");

        // Enable every commented-out `#key=value` line: all of them must be keys explainstream accepts.
        Path enabled = dir.resolve("enabled.properties");
        Files.writeString(enabled, Files.readString(example).replaceAll("(?m)^#(?=[a-z][a-z0-9.-]*=)", ""));
        AppConfig all = AppConfig.parse(ConfigSources.merge(enabled, Map.of(), Map.of()));
        assertEquals("SASL_SSL", all.kafka().get("security.protocol"));
        assertEquals("SCRAM-SHA-512", all.kafka().get("sasl.mechanism"));
        assertTrue(all.kafka().get("sasl.jaas.config").startsWith("${file:"), all.kafka().get("sasl.jaas.config"));
        assertEquals("USER_INFO", all.registry().clientProperties().get("basic.auth.credentials.source"));
        assertEquals(0.8, all.minPosterior());
    }

    @Test
    void describeMasksEverySecret() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"svc\" password=\"jaas-pw-4711\";";
        Map<String, String> m = minimal();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.jaas.config", jaas);
        m.put("ssl.keystore.password", "keystore-pw-1234");
        m.put("basic.auth.credentials.source", "USER_INFO");
        m.put("basic.auth.user.info", "svc:registry-pw-0815");

        String described = AppConfig.parse(m).describe();

        assertFalse(described.contains("jaas-pw-4711"), described);
        assertFalse(described.contains("keystore-pw-1234"), described);
        assertFalse(described.contains("registry-pw-0815"), described);
        // ... while the keys themselves, and values that are not secret, are still shown
        assertTrue(described.contains("sasl.jaas.config"), described);
        assertTrue(described.contains("ssl.keystore.password"), described);
        assertTrue(described.contains("basic.auth.user.info"), described);
        assertTrue(described.contains("SASL_SSL"), described);
        assertTrue(described.contains("broker-1:9092"), described);
        assertTrue(described.contains("/models/credit"), described);
    }
}
