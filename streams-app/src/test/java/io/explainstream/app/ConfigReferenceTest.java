package io.explainstream.app;

import io.explainstream.app.config.ConfigKey;
import io.explainstream.app.config.ConfigKeys;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigReferenceTest {

    private static final List<String> LINES = ConfigReferenceCommand.table().lines().toList();

    private static String rowOf(String key) {
        List<String> rows = LINES.stream().filter(l -> l.startsWith("| `" + key + "` |")).toList();
        assertEquals(1, rows.size(), "exactly one row for " + key + " in:\n" + String.join("\n", LINES));
        return rows.get(0);
    }

    @Test
    void everyKeyIsListedWithItsEnvironmentVariableAndDefault() {
        assertFalse(ConfigKeys.ALL.isEmpty());
        for (ConfigKey key : ConfigKeys.ALL) {
            String row = rowOf(key.name());
            assertTrue(row.contains("`" + key.envName() + "`"), row);
            if (key.defaultValue() != null) {
                assertTrue(row.contains("`" + key.defaultValue() + "`"), row);
            }
        }
    }

    @Test
    void environmentVariableNamesFollowTheDocumentedScheme() {
        assertTrue(rowOf("explainstream.bundle.path").contains("`EXPLAINSTREAM_BUNDLE_PATH`"));
        assertTrue(rowOf("explainstream.l2e.batch-size").contains("`EXPLAINSTREAM_L2E_BATCH_SIZE`"));
        assertTrue(rowOf("schema.registry.url").contains("`EXPLAINSTREAM_SCHEMA_REGISTRY_URL`"));
    }

    @Test
    void kafkaDefaultsAreListedWithTheirKafkaEnvironmentVariable() {
        ConfigKeys.KAFKA_DEFAULTS.forEach((key, value) -> {
            String row = rowOf(key);
            assertTrue(row.contains("`" + value + "`"), row);
            String envName = "EXPLAINSTREAM_KAFKA_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
            assertTrue(row.contains("`" + envName + "`"), row);
        });
    }

    @Test
    void secretKeysShowTheirFileFormAndNoDefault() {
        List<ConfigKey> secrets = ConfigKeys.ALL.stream().filter(ConfigKey::secret).toList();
        assertTrue(secrets.stream().anyMatch(k -> k.name().equals("explainstream.http.token")), secrets.toString());
        for (ConfigKey key : secrets) {
            String row = rowOf(key.name());
            assertTrue(row.startsWith("| `" + key.name() + "` |  | "), "no default shown: " + row);
            assertTrue(row.contains("`" + key.envName() + "_FILE`"), row);
        }
    }
}
