package io.explainstream.app.config;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every key explainstream itself reads. Any other key is a Kafka Streams / client setting and is passed through. */
public final class ConfigKeys {
    public static final ConfigKey BUNDLE_PATH = new ConfigKey("explainstream.bundle.path", null, false,
            "Path of the model bundle folder (bundle.json and an optional L2E ONNX file). Required.");
    public static final ConfigKey STAGE = new ConfigKey("explainstream.stage", "all", false,
            "Which stages this instance runs: all (GIME and L2E in one topology), gime (GIME only; uncertain events "
                    + "go to the l2e-requests topic) or l2e (only the L2E stage, reading the l2e-requests topic).");
    public static final ConfigKey TOPIC_INPUT = new ConfigKey("explainstream.topic.input", "predictions", false,
            "Topic of PredictionEvent records to explain.");
    public static final ConfigKey TOPIC_OUTPUT = new ConfigKey("explainstream.topic.output", "predictions.explained",
            false, "Topic the ExplainedEvent records are written to.");
    public static final ConfigKey TOPIC_DLQ = new ConfigKey("explainstream.topic.dlq", "predictions.dlq", false,
            "Dead-letter topic: records that cannot be explained, unchanged, with the reason in headers.");
    public static final ConfigKey TOPIC_L2E_REQUESTS = new ConfigKey("explainstream.topic.l2e-requests",
            "predictions.l2e-requests", false,
            "Topic between the GIME stage and the L2E stage when they run as separate deployments.");
    public static final ConfigKey MIN_POSTERIOR = new ConfigKey("explainstream.routing.min-posterior", null, false,
            "Overrides the bundle's threshold: events whose top posterior is below it go to L2E. In [0, 1].");
    public static final ConfigKey MAX_RESIDUAL = new ConfigKey("explainstream.routing.max-residual", null, false,
            "Overrides the bundle's threshold: events whose |g_k(x) - f(x)| (z-units of f) exceeds it go to L2E.");
    public static final ConfigKey L2E_ENABLED = new ConfigKey("explainstream.l2e.enabled", "true", false,
            "Explain uncertain events with the bundle's L2E explainer. When false, or when the bundle has none, "
                    + "they keep their group explanation and their routing reason.");
    public static final ConfigKey L2E_PROVIDER = new ConfigKey("explainstream.l2e.provider", "auto", false,
            "ONNX Runtime execution provider: auto (CUDA when a GPU and its libraries are present, else CPU), "
                    + "cpu, or cuda (fail when unavailable).");
    public static final ConfigKey L2E_BATCH_SIZE = new ConfigKey("explainstream.l2e.batch-size", "64", false,
            "Largest L2E micro-batch; a batch is flushed when it is full or max-wait-ms after its first event. "
                    + "1..4096.");
    public static final ConfigKey L2E_MAX_WAIT_MS = new ConfigKey("explainstream.l2e.max-wait-ms", "20", false,
            "Longest wall-clock wait (ms) of a partial L2E micro-batch, counted from its first event, before it is "
                    + "flushed. 1..60000.");
    public static final ConfigKey L2E_THREADS = new ConfigKey("explainstream.l2e.intra-op-threads", "1", false,
            "ONNX Runtime intra-op threads of the L2E session. 1..64.");
    public static final ConfigKey MAX_FEATURES = new ConfigKey("explainstream.explanation.max-features", "10", false,
            "Most features an explanation lists (largest |contribution| first). 1..1000.");
    public static final ConfigKey MAX_RECORD_BYTES = new ConfigKey("explainstream.limits.max-record-bytes", "8388608",
            false, "Largest input record (bytes) that is decoded; larger ones go to the DLQ as TOO_LARGE.");
    public static final ConfigKey MAX_COLLECTION_ITEMS = new ConfigKey("explainstream.limits.max-collection-items",
            "1000000", false, "Most items an array or map in a record may claim (checked before allocation); "
            + "more is TOO_LARGE.");
    public static final ConfigKey MAX_STRING_BYTES = new ConfigKey("explainstream.limits.max-string-bytes", "65536",
            false, "Longest string or bytes field a record may claim (checked before allocation); longer is TOO_LARGE.");
    public static final ConfigKey HTTP_HOST = new ConfigKey("explainstream.http.host", "127.0.0.1", false,
            "Address the /metrics and /health endpoints bind to; 0.0.0.0 exposes them on every interface.");
    public static final ConfigKey HTTP_PORT = new ConfigKey("explainstream.http.port", "9464", false,
            "Port of the /metrics and /health endpoints; 0 picks a free port, -1 disables them.");
    public static final ConfigKey HTTP_TOKEN = new ConfigKey("explainstream.http.token", null, true,
            "Bearer token (secret; 16 or more printable ASCII characters, no spaces): when set, /metrics and "
            + "/health/ready answer 401 unless the request has the header Authorization: Bearer <token>; "
            + "/health/live stays open. Unset: no token is required.");
    public static final ConfigKey BUNDLE_WATCH_MS = new ConfigKey("explainstream.bundle.watch-interval-ms", "5000",
            false, "How often (ms) the bundle path is checked for a new bundle (a changed bundle.json, or a symlink "
            + "such as models/current pointing elsewhere); a new one is validated and swapped in without a restart. "
            + "0 disables watching. 0..3600000.");
    public static final ConfigKey MODELS_TOPIC = new ConfigKey("explainstream.bundle.models-topic", null, false,
            "Optional compacted topic (e.g. explain.models) whose latest record for this model (key: modelId, value: "
            + "the path of a bundle folder as UTF-8) names the bundle to serve; each new record is validated and "
            + "swapped in without a restart. Unset: not used.");
    public static final ConfigKey FIDELITY_ENABLED = new ConfigKey("explainstream.fidelity.enabled", "true", false,
            "Measure fidelity online per group in tumbling windows, publish the windows and raise drift alarms.");
    public static final ConfigKey TOPIC_FIDELITY = new ConfigKey("explainstream.topic.fidelity", "explain.fidelity",
            false, "Topic the FidelityWindow records (one per group and window) are written to; created when absent.");
    public static final ConfigKey TOPIC_ALERTS = new ConfigKey("explainstream.topic.alerts", "explain.alerts", false,
            "Topic the DriftAlert records are written to; created when absent.");
    public static final ConfigKey TOPIC_FIDELITY_PARTIALS = new ConfigKey("explainstream.topic.fidelity-partials",
            null, false, "Topic that carries each task's partial window sums to the one task that merges them "
            + "(one partition; created when absent). Default: <application.id>-fidelity-partials.");
    public static final ConfigKey FIDELITY_WINDOW_MS = new ConfigKey("explainstream.fidelity.window-ms", "60000",
            false, "Size (ms) of the tumbling fidelity windows, on the events' record timestamps. 1000..86400000.");
    public static final ConfigKey FIDELITY_GRACE_MS = new ConfigKey("explainstream.fidelity.grace-ms", "10000",
            false, "How long (ms of stream time) a window stays open for late events before it is published. "
            + "0..86400000.");
    public static final ConfigKey FIDELITY_FLUSH_MS = new ConfigKey("explainstream.fidelity.flush-ms", "1000", false,
            "How often (ms, wall clock) each task sends its partial window sums to the merging task. 10..600000.");
    public static final ConfigKey FIDELITY_MIN_COUNT = new ConfigKey("explainstream.fidelity.min-count", "20", false,
            "Fewest events a window needs for its group to be judged by the drift alarm. 1..1000000000.");
    public static final ConfigKey DRIFT_RMSE_FACTOR = new ConfigKey("explainstream.drift.rmse-factor", "1.5", false,
            "A window's RMSE is out of bounds above rmse-factor * fidelityRmse + rmse-margin (the bundle's "
            + "fidelityRmse for the group). >= 1.");
    public static final ConfigKey DRIFT_RMSE_MARGIN = new ConfigKey("explainstream.drift.rmse-margin", "0.05", false,
            "Absolute slack (z-units of f) added to the RMSE bound. >= 0.");
    public static final ConfigKey DRIFT_L2E_SHARE_TOLERANCE = new ConfigKey("explainstream.drift.l2e-share-tolerance",
            "0.15", false, "A window's share routed to L2E is out of bounds when it differs from the bundle's "
            + "routing.l2eShare by more than this. In [0, 1].");
    public static final ConfigKey DRIFT_WINDOWS = new ConfigKey("explainstream.drift.windows", "3", false,
            "Consecutive out-of-bounds windows that raise a drift alarm. 1..1000.");
    public static final ConfigKey REGISTRY_URL = new ConfigKey("schema.registry.url", null, false,
            "Base URL of a Confluent-compatible schema registry. Required.");
    public static final ConfigKey AUTO_REGISTER = new ConfigKey("auto.register.schemas", "true", false,
            "Register the output schemas under <topic>-value when absent; when false they must already exist.");
    public static final ConfigKey REGISTRY_AUTH_SOURCE = new ConfigKey("basic.auth.credentials.source", null, false,
            "Registry basic-auth source, e.g. USER_INFO.");
    public static final ConfigKey REGISTRY_USER_INFO = new ConfigKey("basic.auth.user.info", null, true,
            "Registry basic-auth credentials user:password (secret).");

    public static final List<ConfigKey> ALL = List.of(BUNDLE_PATH, STAGE, TOPIC_INPUT, TOPIC_OUTPUT, TOPIC_DLQ,
            TOPIC_L2E_REQUESTS, MIN_POSTERIOR, MAX_RESIDUAL, L2E_ENABLED, L2E_PROVIDER, L2E_BATCH_SIZE,
            L2E_MAX_WAIT_MS, L2E_THREADS, MAX_FEATURES, MAX_RECORD_BYTES, MAX_COLLECTION_ITEMS,
            MAX_STRING_BYTES, HTTP_HOST, HTTP_PORT, HTTP_TOKEN, BUNDLE_WATCH_MS, MODELS_TOPIC, FIDELITY_ENABLED,
            TOPIC_FIDELITY, TOPIC_ALERTS, TOPIC_FIDELITY_PARTIALS, FIDELITY_WINDOW_MS, FIDELITY_GRACE_MS,
            FIDELITY_FLUSH_MS, FIDELITY_MIN_COUNT, DRIFT_RMSE_FACTOR, DRIFT_RMSE_MARGIN, DRIFT_L2E_SHARE_TOLERANCE,
            DRIFT_WINDOWS, REGISTRY_URL, AUTO_REGISTER, REGISTRY_AUTH_SOURCE, REGISTRY_USER_INFO);

    public static final Map<String, ConfigKey> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

    /** Kafka settings explainstream sets unless the user does. */
    public static final Map<String, String> KAFKA_DEFAULTS = Map.of(
            "application.id", "explainstream",
            "processing.guarantee", "exactly_once_v2",
            "ensure.explicit.internal.resource.naming", "true",
            "producer.batch.size", "131072",
            "max.task.idle.ms", "-1");

    /** Prefix of environment variables that carry Kafka settings: EXPLAINSTREAM_KAFKA_BOOTSTRAP_SERVERS → bootstrap.servers. */
    public static final String KAFKA_ENV_PREFIX = "EXPLAINSTREAM_KAFKA_";

    private ConfigKeys() {
    }

    public static boolean isRegistryClientKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.");
    }

    /**
     * Whether the value of {@code key} must never be logged or echoed: explainstream's secret keys, and any other
     * key whose name looks like it holds a secret (passwords, JAAS lines, tokens, private keys, user info).
     */
    public static boolean isSecret(String key) {
        ConfigKey known = BY_NAME.get(key);
        if (known != null) {
            return known.secret();
        }
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("passphrase") || k.contains("secret") || k.contains("jaas")
                || k.contains("user.info") || k.contains("token") || k.contains("credentials")
                || k.contains("private.key") || k.endsWith(".key");
    }
}
