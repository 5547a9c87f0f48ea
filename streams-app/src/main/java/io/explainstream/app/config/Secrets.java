package io.explainstream.app.config;

import io.explainstream.serde.RegistrySettings;

/** How configuration values are shown in logs and messages: secrets as {@value #HIDDEN}, URLs without user info. */
public final class Secrets {
    public static final String HIDDEN = "[hidden]";

    private Secrets() {
    }

    /**
     * {@code value}, or {@value #HIDDEN} when {@code key} holds a secret: explainstream's keys by their flag
     * ({@code basic.auth.credentials.source} is not a secret), any other by its name.
     */
    public static String mask(String key, String value) {
        ConfigKey known = ConfigKeys.BY_NAME.get(key);
        boolean secret = known != null ? known.secret() : ConfigKeys.isSecret(key) || RegistrySettings.isSecret(key);
        return secret ? HIDDEN : value;
    }

    /** Each comma-separated URL with its user info ({@code https://user:pw@host}) replaced by {@value #HIDDEN}. */
    public static String maskUrl(String urls) {
        return urls.replaceAll("(?<=://)[^/@,\\s]*@", HIDDEN + "@");
    }
}
