package io.explainstream.serde;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How to reach the schema registry.
 *
 * @param url              one or more comma-separated base URLs ({@code schema.registry.url}); required
 * @param autoRegister     whether serializers register their writer schema, or only look it up
 * @param clientProperties passed unchanged to Confluent's registry client, e.g. {@code basic.auth.credentials.source},
 *                         {@code basic.auth.user.info}, {@code schema.registry.ssl.truststore.location}
 *
 * <p>{@link #toString()} masks the values of secret-looking properties.
 */
public record RegistrySettings(String url, boolean autoRegister, Map<String, String> clientProperties) {

    private static final String[] SECRET_MARKERS = {"password", "user.info", "secret", "token", "credentials"};

    public RegistrySettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url must be set to the registry's base URL");
        }
        url = url.strip();
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
    }

    public RegistrySettings(String url, boolean autoRegister) {
        this(url, autoRegister, Map.of());
    }

    /** Whether the value of property {@code key} must not be logged. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String marker : SECRET_MARKERS) {
            if (k.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        String props = new TreeMap<>(clientProperties).entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "******" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "RegistrySettings[url=" + url + ", autoRegister=" + autoRegister + ", clientProperties=" + props + "]";
    }
}
