package io.explainstream.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets in the configuration: read from files named by {@code *_FILE} variables, never shown. */
class SecretConfigTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"svc\" password=\"scram-pw-5dd1c0\";";
    private static final String TOKEN = "http-token-7f3a9b2c4d";

    @TempDir
    Path dir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("EXPLAINSTREAM_BUNDLE_PATH", "/models/credit");
        env.put("EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS", "b1:9093");
        env.put("EXPLAINSTREAM_SCHEMA_REGISTRY_URL", "https://registry:8081");
        return env;
    }

    private Path secret(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static AppConfig parseEnv(Map<String, String> env) {
        return AppConfig.parse(ConfigSources.merge(null, env, Map.of()));
    }

    @Test
    void theFileFormOfAVariableReadsItsValueFromTheFile() throws IOException {
        Map<String, String> env = env();
        env.put("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secret("jaas", JAAS + "\n").toString());
        env.put("EXPLAINSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", secret("ts", "ts-pw-99a1\r\n").toString());
        env.put("EXPLAINSTREAM_BASIC_AUTH_USER_INFO_FILE", secret("ui", "svc:registry-pw-31c7").toString());
        env.put("EXPLAINSTREAM_HTTP_TOKEN_FILE", secret("token", TOKEN + "\n\n").toString());

        AppConfig c = parseEnv(env);

        assertEquals(JAAS, c.kafka().get("sasl.jaas.config"), "trailing line break dropped");
        assertEquals("ts-pw-99a1", c.kafka().get("ssl.truststore.password"));
        assertEquals("svc:registry-pw-31c7", c.registry().clientProperties().get("basic.auth.user.info"));
        assertEquals(TOKEN, c.httpToken());
        assertFalse(c.kafka().containsKey("sasl.jaas.config.file"));
    }

    @Test
    void settingAVariableAndItsFileFormIsRefused() throws IOException {
        Map<String, String> env = env();
        env.put("EXPLAINSTREAM_HTTP_TOKEN", TOKEN);
        env.put("EXPLAINSTREAM_HTTP_TOKEN_FILE", secret("token", TOKEN).toString());

        ConfigException e = assertThrows(ConfigException.class, () -> parseEnv(env));

        assertTrue(e.getMessage().contains("EXPLAINSTREAM_HTTP_TOKEN and EXPLAINSTREAM_HTTP_TOKEN_FILE"),
                e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }

    @Test
    void aMissingOrEmptyFileIsNamedWithItsVariable() throws IOException {
        Map<String, String> env = env();
        Path missing = dir.resolve("no-such-secret");
        env.put("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", missing.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> parseEnv(env));
        assertTrue(e.getMessage().contains("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        env.put("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secret("empty", "\n").toString());
        e = assertThrows(ConfigException.class, () -> parseEnv(env));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void aKafkaSettingWhoseNameEndsInFileKeepsItsPlainMeaning() {
        Map<String, String> env = env();
        env.put("EXPLAINSTREAM_KAFKA_SASL_OAUTHBEARER_ASSERTION_FILE", "/etc/oauth/assertion.jwt");
        env.put("EXPLAINSTREAM_KAFKA_PRODUCER_SASL_OAUTHBEARER_ASSERTION_FILE", "/etc/oauth/producer.jwt");

        AppConfig c = parseEnv(env);

        assertEquals("/etc/oauth/assertion.jwt", c.kafka().get("sasl.oauthbearer.assertion.file"));
        assertEquals("/etc/oauth/producer.jwt", c.kafka().get("producer.sasl.oauthbearer.assertion.file"));
        assertNull(c.kafka().get("sasl.oauthbearer.assertion"));
    }

    @Test
    void theFileFormOfAnUnknownVariableIsRefused() throws IOException {
        Map<String, String> env = env();
        env.put("EXPLAINSTREAM_HTTP_TOKN_FILE", secret("token", TOKEN).toString());
        ConfigException e = assertThrows(ConfigException.class, () -> parseEnv(env));
        assertTrue(e.getMessage().contains("EXPLAINSTREAM_HTTP_TOKN_FILE"), e.getMessage());
    }

    @Test
    void aTokenThatIsTooShortOrHasSpacesIsRefusedWithoutShowingIt() {
        for (String bad : new String[]{"short-tok-1", "has spaces in the token"}) {
            Map<String, String> env = env();
            env.put("EXPLAINSTREAM_HTTP_TOKEN", bad);
            ConfigException e = assertThrows(ConfigException.class, () -> parseEnv(env));
            assertTrue(e.getMessage().contains("'explainstream.http.token'"), e.getMessage());
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void describeAndToStringShowNoSecret() {
        Map<String, String> env = env();
        env.put("EXPLAINSTREAM_SCHEMA_REGISTRY_URL", "https://svc:url-pw-8e21@registry-1:8081,https://registry-2:8081");
        env.put("EXPLAINSTREAM_HTTP_TOKEN", TOKEN);
        env.put("EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG", JAAS);
        env.put("EXPLAINSTREAM_KAFKA_SSL_KEYSTORE_KEY", "-----BEGIN PRIVATE KEY----- pem-4b1d");
        env.put("EXPLAINSTREAM_KAFKA_SSL_KEY_PASSWORD", "key-pw-03fe");
        env.put("EXPLAINSTREAM_BASIC_AUTH_USER_INFO", "svc:registry-pw-31c7");
        Map<String, String> overrides = Map.of("schema.registry.ssl.keystore.key", "registry-pem-77aa",
                "schema.registry.ssl.key.password", "registry-key-pw-61b0");
        AppConfig c = AppConfig.parse(ConfigSources.merge(null, env, overrides));

        for (String shown : new String[]{c.describe(), c.toString()}) {
            for (String secret : new String[]{TOKEN, "scram-pw-5dd1c0", "pem-4b1d", "key-pw-03fe", "registry-pw-31c7",
                    "url-pw-8e21", "registry-pem-77aa", "registry-key-pw-61b0"}) {
                assertFalse(shown.contains(secret), secret + " in:\n" + shown);
            }
            assertTrue(shown.contains("https://[hidden]@registry-1:8081,https://registry-2:8081"), shown);
            assertTrue(shown.contains("bearer token required"), shown);
            assertTrue(shown.contains("sasl.jaas.config = [hidden]"), shown);
            assertTrue(shown.contains("schema.registry.ssl.keystore.key = [hidden]"), shown);
        }
    }

    @Test
    void aSecretKeyCannotHaveADefault() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigKey("explainstream.x.password", "changeit",
                true, "a secret with a default"));
        assertTrue(ConfigKeys.isSecret("explainstream.http.token"));
        assertTrue(ConfigKeys.isSecret("basic.auth.user.info"));
        assertTrue(ConfigKeys.isSecret("sasl.oauthbearer.assertion.private.key.passphrase"));
        assertFalse(ConfigKeys.isSecret("ssl.truststore.location"));
    }
}
