package io.explainstream.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the configuration sources, later ones winning: built-in defaults, the properties file, {@code EXPLAINSTREAM_*}
 * environment variables, then CLI overrides. An {@code EXPLAINSTREAM_*} variable that matches no key is an error,
 * so a typo is caught instead of silently ignored.
 */
public final class ConfigSources {
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("EXPLAINSTREAM_HOME", "EXPLAINSTREAM_OPTS",
            "EXPLAINSTREAM_JAVA_OPTS", "EXPLAINSTREAM_NO_BUILD");

    private ConfigSources() {
    }

    public static Map<String, String> merge(Path propertiesFile, Map<String, String> environment,
                                            Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        if (propertiesFile != null) {
            merged.putAll(readProperties(propertiesFile));
        }
        merged.putAll(fromEnvironment(environment));
        merged.putAll(overrides);
        return merged;
    }

    public static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }

    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> byEnvName = new HashMap<>();
        ConfigKeys.ALL.forEach(k -> byEnvName.put(k.envName(), k.name()));
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ConfigKey.ENV_PREFIX) || LAUNCHER_VARIABLES.contains(var)) {
                continue;
            }
            if (var.startsWith(ConfigKeys.KAFKA_ENV_PREFIX)) {
                String key = var.substring(ConfigKeys.KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                out.put(key, e.getValue());
            } else if (byEnvName.containsKey(var)) {
                out.put(byEnvName.get(var), e.getValue());
            } else {
                throw new ConfigException("environment variable " + var + " matches no configuration key "
                        + "(Kafka settings use " + ConfigKeys.KAFKA_ENV_PREFIX + "<KEY>, e.g. "
                        + ConfigKeys.KAFKA_ENV_PREFIX + "BOOTSTRAP_SERVERS)");
            }
        }
        return out;
    }
}
