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
 * environment variables (or their {@code _FILE} form, for secrets in files), then CLI overrides. An
 * {@code EXPLAINSTREAM_*} variable that matches no key is an error, so a typo is caught instead of silently ignored.
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

    /**
     * The settings the {@code EXPLAINSTREAM_*} variables carry: {@code EXPLAINSTREAM_<KEY>} for explainstream's keys,
     * {@code EXPLAINSTREAM_KAFKA_<KEY>} for Kafka settings, and the {@code _FILE} form of either, which reads the
     * value from a file (see {@link FileVariables}). Setting a variable and its {@code _FILE} form is an error.
     */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> byEnvName = new HashMap<>();
        ConfigKeys.ALL.forEach(k -> byEnvName.put(k.envName(), k.name()));
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ConfigKey.ENV_PREFIX) || LAUNCHER_VARIABLES.contains(var)) {
                continue;
            }
            String value = e.getValue();
            String target = FileVariables.target(var, byEnvName.keySet());
            if (target != null) {
                if (environment.containsKey(target)) {
                    throw new ConfigException("environment variables " + target + " and " + var
                            + " are both set; set only one of them");
                }
                value = FileVariables.read(var, value);
                var = target;
            }
            if (var.startsWith(ConfigKeys.KAFKA_ENV_PREFIX)) {
                out.put(kafkaKey(var), value);
            } else if (byEnvName.containsKey(var)) {
                out.put(byEnvName.get(var), value);
            } else {
                throw new ConfigException("environment variable " + var + " matches no configuration key "
                        + "(Kafka settings use " + ConfigKeys.KAFKA_ENV_PREFIX + "<KEY>, e.g. "
                        + ConfigKeys.KAFKA_ENV_PREFIX + "BOOTSTRAP_SERVERS; any variable may end in "
                        + FileVariables.SUFFIX + " to read its value from a file)");
            }
        }
        return out;
    }

    /** {@code EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}. */
    static String kafkaKey(String var) {
        return var.substring(ConfigKeys.KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
