package io.explainstream.app.config;

/** A configuration that cannot be used; the message names the key and what is wrong with its value. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException of(String key, String problem) {
        return new ConfigException("configuration key '" + key + "' " + problem);
    }
}
