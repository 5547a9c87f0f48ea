package io.explainstream.app.config;

import java.util.Locale;

/**
 * One documented configuration key: its name, default (null when required or optional), doc string, and whether
 * its value is a secret (never logged, never echoed in an error). Every key can be set in the properties file, as a
 * CLI override ({@code --set key=value}), as the environment variable {@link #envName()}, or read from the file that
 * {@code <envName>_FILE} names. A secret has no default, so the configuration reference never prints one.
 */
public record ConfigKey(String name, String defaultValue, boolean secret, String doc) {
    public static final String ENV_PREFIX = "EXPLAINSTREAM_";

    public ConfigKey {
        if (secret && defaultValue != null) {
            throw new IllegalArgumentException("secret key " + name + " must not have a default");
        }
    }

    /** {@code explainstream.l2e.batch-size} → {@code EXPLAINSTREAM_L2E_BATCH_SIZE}; other keys keep their whole name. */
    public String envName() {
        String n = name.startsWith("explainstream.") ? name.substring("explainstream.".length()) : name;
        return ENV_PREFIX + n.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT);
    }
}
