package io.explainstream.app.config;

import io.explainstream.app.l2e.ProviderChoice;
import io.explainstream.serde.DecodeLimits;
import io.explainstream.serde.RegistrySettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole configuration of an instance, parsed once and validated; every error names its key.
 * {@code kafka} holds every setting that is not explainstream's own, passed to Kafka Streams unchanged
 * (bootstrap servers, TLS/SASL, ...), with explainstream's defaults for the keys the user left out.
 */
public record AppConfig(Path bundlePath, Stage stage, Topics topics, Double minPosterior, Double maxResidual,
                        L2eSettings l2e, int maxFeatures, DecodeLimits limits, String httpHost, int httpPort,
                        String httpToken, RegistrySettings registry, Map<String, String> kafka,
                        Duration bundleWatchInterval, String modelsTopic, FidelitySettings fidelity) {

    public static AppConfig parse(Map<String, String> values) {
        Reader r = new Reader(values);
        Path bundle = Path.of(r.required(ConfigKeys.BUNDLE_PATH));
        Stage stage = r.enumValue(ConfigKeys.STAGE, Stage.class);
        Topics topics = new Topics(r.topic(ConfigKeys.TOPIC_INPUT), r.topic(ConfigKeys.TOPIC_OUTPUT),
                r.topic(ConfigKeys.TOPIC_DLQ), r.topic(ConfigKeys.TOPIC_L2E_REQUESTS));
        Double minPosterior = r.optionalDouble(ConfigKeys.MIN_POSTERIOR, 0, 1);
        Double maxResidual = r.optionalDouble(ConfigKeys.MAX_RESIDUAL, 0, Double.MAX_VALUE);
        L2eSettings l2e = new L2eSettings(r.bool(ConfigKeys.L2E_ENABLED),
                r.enumValue(ConfigKeys.L2E_PROVIDER, ProviderChoice.class),
                r.integer(ConfigKeys.L2E_BATCH_SIZE, 1, 4096),
                Duration.ofMillis(r.integer(ConfigKeys.L2E_MAX_WAIT_MS, 1, 60_000)),
                r.integer(ConfigKeys.L2E_THREADS, 1, 64));
        int maxFeatures = r.integer(ConfigKeys.MAX_FEATURES, 1, 1000);
        DecodeLimits limits = new DecodeLimits(r.integer(ConfigKeys.MAX_RECORD_BYTES, 1024, Integer.MAX_VALUE),
                r.integer(ConfigKeys.MAX_COLLECTION_ITEMS, 1, Integer.MAX_VALUE),
                r.integer(ConfigKeys.MAX_STRING_BYTES, 1, Integer.MAX_VALUE));
        String httpHost = r.required(ConfigKeys.HTTP_HOST);
        int httpPort = r.integer(ConfigKeys.HTTP_PORT, -1, 65535);
        String httpToken = r.raw(ConfigKeys.HTTP_TOKEN);
        if (httpToken != null && !httpToken.matches("[\\x21-\\x7E]{16,}")) {
            throw ConfigException.of(ConfigKeys.HTTP_TOKEN.name(), "must be 16 or more printable ASCII characters "
                    + "without spaces (the value is not shown)");
        }
        Map<String, String> registryClient = new HashMap<>();
        Map<String, String> kafka = new TreeMap<>(ConfigKeys.KAFKA_DEFAULTS);
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (key.equals(ConfigKeys.REGISTRY_URL.name()) || key.equals(ConfigKeys.AUTO_REGISTER.name())) {
                continue;
            }
            if (ConfigKeys.isRegistryClientKey(key)) {
                registryClient.put(key, e.getValue());
            } else if (key.startsWith("explainstream.")) {
                if (!ConfigKeys.BY_NAME.containsKey(key)) {
                    throw ConfigException.of(key, "is not an explainstream setting (see the configuration reference)");
                }
            } else {
                kafka.put(key, e.getValue());
            }
        }
        if (!kafka.containsKey("bootstrap.servers") || kafka.get("bootstrap.servers").isBlank()) {
            throw ConfigException.of("bootstrap.servers", "is required (or set EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS)");
        }
        String guarantee = kafka.get("processing.guarantee");
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw ConfigException.of("processing.guarantee", "is '" + guarantee
                    + "', must be exactly_once_v2 or at_least_once");
        }
        RegistrySettings registry = new RegistrySettings(r.required(ConfigKeys.REGISTRY_URL),
                r.bool(ConfigKeys.AUTO_REGISTER), Map.copyOf(registryClient));
        Duration watch = Duration.ofMillis(r.integer(ConfigKeys.BUNDLE_WATCH_MS, 0, 3_600_000));
        String modelsTopic = r.raw(ConfigKeys.MODELS_TOPIC) == null ? null : r.topic(ConfigKeys.MODELS_TOPIC);
        String partials = r.raw(ConfigKeys.TOPIC_FIDELITY_PARTIALS) == null
                ? FidelitySettings.partialsTopicOf(kafka.get("application.id"))
                : r.topic(ConfigKeys.TOPIC_FIDELITY_PARTIALS);
        FidelitySettings fidelity = new FidelitySettings(r.bool(ConfigKeys.FIDELITY_ENABLED),
                r.topic(ConfigKeys.TOPIC_FIDELITY), r.topic(ConfigKeys.TOPIC_ALERTS), partials,
                Duration.ofMillis(r.integer(ConfigKeys.FIDELITY_WINDOW_MS, 1000, 86_400_000)),
                Duration.ofMillis(r.integer(ConfigKeys.FIDELITY_GRACE_MS, 0, 86_400_000)),
                Duration.ofMillis(r.integer(ConfigKeys.FIDELITY_FLUSH_MS, 10, 600_000)),
                r.integer(ConfigKeys.FIDELITY_MIN_COUNT, 1, 1_000_000_000),
                new FidelitySettings.DriftBounds(r.requiredDouble(ConfigKeys.DRIFT_RMSE_FACTOR, 1, 1e9),
                        r.requiredDouble(ConfigKeys.DRIFT_RMSE_MARGIN, 0, 1e9),
                        r.requiredDouble(ConfigKeys.DRIFT_L2E_SHARE_TOLERANCE, 0, 1),
                        r.integer(ConfigKeys.DRIFT_WINDOWS, 1, 1000)));
        return new AppConfig(bundle, stage, topics, minPosterior, maxResidual, l2e, maxFeatures, limits, httpHost,
                httpPort, httpToken, registry,
                Map.copyOf(kafka), watch, modelsTopic, fidelity);
    }

    /** The configuration as key = value lines for the startup log, with every secret masked. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(ConfigKeys.BUNDLE_PATH.name()).append(" = ").append(bundlePath).append('\n');
        sb.append(ConfigKeys.STAGE.name()).append(" = ").append(stage.name().toLowerCase(Locale.ROOT)).append('\n');
        sb.append("topics = ").append(topics).append('\n');
        sb.append("routing overrides = minPosterior ").append(minPosterior).append(", maxResidual ")
                .append(maxResidual).append('\n');
        sb.append("l2e = ").append(l2e).append('\n');
        sb.append("limits = ").append(limits).append('\n');
        sb.append("http = ").append(httpPort < 0 ? "disabled" : httpHost + ":" + httpPort
                + (httpToken == null ? ", no token" : ", bearer token required")).append('\n');
        sb.append("bundle watch = ").append(bundleWatchInterval.isZero() ? "off" : bundleWatchInterval.toMillis() + " ms")
                .append(", models topic = ").append(modelsTopic == null ? "none" : modelsTopic).append('\n');
        sb.append("fidelity = ").append(fidelity).append('\n');
        sb.append("registry = ").append(Secrets.maskUrl(registry.url())).append(", autoRegister ")
                .append(registry.autoRegister()).append('\n');
        new TreeMap<>(registry.clientProperties()).forEach((k, v) -> sb.append(k).append(" = ")
                .append(Secrets.mask(k, v)).append('\n'));
        new TreeMap<>(kafka).forEach((k, v) -> sb.append(k).append(" = ").append(Secrets.mask(k, v)).append('\n'));
        return sb.toString();
    }

    /** The masked description: a record's generated toString would print every secret. */
    @Override
    public String toString() {
        return "AppConfig[\n" + describe() + "]";
    }

    private record Reader(Map<String, String> values) {
        /** A value as an error message shows it: quoted, or [hidden] for a secret. */
        static String shown(ConfigKey key, String v) {
            return key.secret() ? "[hidden]" : "'" + v + "'";
        }

        String raw(ConfigKey key) {
            String v = values.get(key.name());
            return v == null || v.isBlank() ? key.defaultValue() : v.trim();
        }

        String required(ConfigKey key) {
            String v = raw(key);
            if (v == null) {
                throw ConfigException.of(key.name(), "is required (or set " + key.envName() + "): " + key.doc());
            }
            return v;
        }

        String topic(ConfigKey key) {
            String v = required(key);
            if (!v.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw ConfigException.of(key.name(), "is " + shown(key, v) + ", not a legal topic name");
            }
            return v;
        }

        boolean bool(ConfigKey key) {
            String v = required(key).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw ConfigException.of(key.name(), "is " + shown(key, v) + ", must be true or false");
            }
            return Boolean.parseBoolean(v);
        }

        int integer(ConfigKey key, int min, int max) {
            String v = required(key);
            try {
                int i = Integer.parseInt(v);
                if (i < min || i > max) {
                    throw ConfigException.of(key.name(), "is " + shown(key, v) + ", must be in ["
                            + min + ", " + max + "]");
                }
                return i;
            } catch (NumberFormatException e) {
                throw ConfigException.of(key.name(), "is " + shown(key, v) + ", not an integer");
            }
        }

        double requiredDouble(ConfigKey key, double min, double max) {
            required(key);
            return optionalDouble(key, min, max);
        }

        Double optionalDouble(ConfigKey key, double min, double max) {
            String v = raw(key);
            if (v == null) {
                return null;
            }
            try {
                double d = Double.parseDouble(v);
                if (!(d >= min && d <= max)) {
                    throw ConfigException.of(key.name(), "is " + shown(key, v) + ", must be in ["
                            + min + ", " + max + "]");
                }
                return d;
            } catch (NumberFormatException e) {
                throw ConfigException.of(key.name(), "is " + shown(key, v) + ", not a number");
            }
        }

        <E extends Enum<E>> E enumValue(ConfigKey key, Class<E> type) {
            String v = required(key);
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                StringBuilder allowed = new StringBuilder();
                for (E c : type.getEnumConstants()) {
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
                }
                throw ConfigException.of(key.name(), "is " + shown(key, v) + ", must be one of " + allowed);
            }
        }
    }
}
