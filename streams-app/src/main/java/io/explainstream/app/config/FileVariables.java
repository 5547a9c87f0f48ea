package io.explainstream.app.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code _FILE} form of the configuration variables, for secrets mounted as files (Docker and Kubernetes
 * secrets): {@code EXPLAINSTREAM_HTTP_TOKEN_FILE=/run/secrets/token} sets {@code explainstream.http.token} to the
 * content of that file, and {@code EXPLAINSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE} sets {@code sasl.jaas.config}.
 * Trailing line breaks are dropped. A Kafka setting whose own name ends in {@code .file}
 * ({@code sasl.oauthbearer.assertion.file}) keeps its plain meaning. Errors name the variable and the path, never
 * the content.
 */
final class FileVariables {
    static final String SUFFIX = "_FILE";

    private FileVariables() {
    }

    /** The variable that {@code var} is the file form of, or null when {@code var} is not a file form. */
    static String target(String var, Set<String> explainstreamVariables) {
        if (!var.endsWith(SUFFIX)) {
            return null;
        }
        String target = var.substring(0, var.length() - SUFFIX.length());
        if (var.startsWith(ConfigKeys.KAFKA_ENV_PREFIX)) {
            boolean plainKafkaKey = KafkaKeys.isKnown(ConfigSources.kafkaKey(var));
            return plainKafkaKey || target.length() <= ConfigKeys.KAFKA_ENV_PREFIX.length() ? null : target;
        }
        return explainstreamVariables.contains(target) ? target : null;
    }

    /** The content of {@code file}, named by variable {@code var}, without its trailing line breaks. */
    static String read(String var, String file) {
        Path path = Path.of(file.strip());
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("environment variable " + var + " names the file " + path
                    + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            throw new ConfigException("environment variable " + var + " names the file " + path + ", which is empty");
        }
        return content.substring(0, end);
    }
}
