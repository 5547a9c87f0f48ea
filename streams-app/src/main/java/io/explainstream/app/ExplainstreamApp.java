package io.explainstream.app;

import io.explainstream.app.config.AppConfig;
import io.explainstream.app.config.ConfigKeys;
import io.explainstream.app.config.KafkaKeys;
import io.explainstream.app.config.Stage;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.topology.DlqProcessingExceptionHandler;
import io.explainstream.app.topology.ExplainTopology;
import io.explainstream.app.topology.SharedL2eExplainers;
import io.explainstream.app.topology.TopologySerdes;
import io.explainstream.app.topology.TopologySettings;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.gime.Router;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.SchemaRegistry;
import io.explainstream.app.http.OpsServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.explainstream.app.ops.BundleSwapper;
import io.explainstream.app.ops.BundleWatcher;
import io.explainstream.app.ops.TickingClock;
import io.explainstream.app.ops.ModelsTopicListener;
import io.explainstream.app.topology.ModelHolder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One running explainstream instance: loads and validates the bundle, connects to the registry, builds the
 * topology and runs it until {@link #close()} (called on SIGTERM by {@code run}). Owns every resource it opens.
 */
public final class ExplainstreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExplainstreamApp.class);
    /** How often the meter registry's wall time is refreshed (its histograms' and maxima's windows last minutes). */
    static final Duration METER_CLOCK_TICK = Duration.ofMillis(10);

    private final AppConfig config;
    private final LoadedBundle bundle;
    private final WatchedRegistry registry;
    private final SharedL2eExplainers explainers;
    private final ModelHolder models;
    private final BundleSwapper swapper;
    private BundleWatcher watcher;
    private ModelsTopicListener modelsListener;
    private final KafkaStreams streams;
    private final TickingClock meterClock = new TickingClock(METER_CLOCK_TICK);
    private final PrometheusMeterRegistry meters =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), meterClock);
    private KafkaStreamsMetrics streamsMetrics;
    private OpsServer ops;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ExplainstreamApp(AppConfig config) {
        this.config = config;
        this.bundle = BundleIo.read(config.bundlePath());
        Metrics.addRegistry(meters);
        for (io.explainstream.validation.InvalidReason reason : io.explainstream.validation.InvalidReason.values()) {
            Metrics.counter("explainstream.dlq.records", "reason", reason.name());
        }
        Metrics.counter("explainstream.events.explained", "source", "GROUP");
        Metrics.counter("explainstream.events.routed.l2e");
        LOG.info("loaded model bundle {} (model {}, version {}, {} features, {} groups, L2E {})", bundle.directory(),
                bundle.model().modelId(), bundle.model().version(), bundle.model().dimension(),
                bundle.model().groupCount(), bundle.model().l2e() == null ? "none" : bundle.model().l2e().version());
        this.explainers = new SharedL2eExplainers(Metrics.globalRegistry);
        TopologySettings settings = settings(config, bundle, explainers);
        this.models = settings.models();
        boolean runsL2e = settings.l2eActive() && config.stage() != Stage.GIME;
        L2eExplainer explainerLease = runsL2e ? explainers.open(bundle, config.l2e()) : null;
        this.swapper = new BundleSwapper(models, explainers, config.l2e(), runsL2e, explainerLease, meters);
        if (explainerLease != null) {
            LOG.info("L2E explainer {} runs on {}", explainerLease.version(), explainerLease.provider());
        }
        this.registry = new WatchedRegistry(ConfluentSchemaRegistry.connect(config.registry()), meters);
        TopologySerdes serdes = Serdes.create(registry, config.registry().autoRegister(), config.limits());
        Topology topology = ExplainTopology.buildTopology(settings, serdes);
        LOG.info("topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, streamsProperties(config));
        Gauge.builder("explainstream.streams.running", streams, k -> k.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while Kafka Streams is RUNNING").register(meters);
        Gauge.builder("explainstream.ready", this, a -> a.ready() ? 1 : 0)
                .description("1 while /health/ready answers 200").register(meters);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    /** Validates everything it can before touching Kafka, then starts the streams client. */
    public static ExplainstreamApp start(AppConfig config) {
        ExplainstreamApp app = new ExplainstreamApp(config);
        try {
            app.checkTopics();
            app.streamsMetrics = new KafkaStreamsMetrics(app.streams);
            app.streamsMetrics.bindTo(app.meters);
            if (config.httpPort() >= 0) {
                app.ops = OpsServer.start(config.httpHost(), config.httpPort(), config.httpToken(), app.meters,
                        app::notReadyReason);
                LOG.info("metrics on http://{}:{}/metrics, health on /health/live and /health/ready ({})",
                        config.httpHost(), app.ops.port(), config.httpToken() == null ? "no token"
                                : "/metrics and /health/ready require the bearer token");
                if (config.httpToken() == null && !app.ops.address().getAddress().isLoopbackAddress()) {
                    LOG.warn("/metrics and /health are reachable on {} without a token; set "
                            + "explainstream.http.token (EXPLAINSTREAM_HTTP_TOKEN_FILE) or bind them to 127.0.0.1",
                            config.httpHost());
                }
            }
            app.streams.start();
            if (!config.bundleWatchInterval().isZero()) {
                app.watcher = new BundleWatcher(config.bundlePath(), app.swapper, config.bundleWatchInterval());
            }
            if (config.modelsTopic() != null) {
                app.modelsListener = new ModelsTopicListener(new HashMap<>(clientConfig(config)), config.modelsTopic(),
                        app.bundle.model().modelId(), app.bundle.directory(), app.swapper);
            }
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    public static TopologySettings settings(AppConfig config, LoadedBundle bundle, SharedL2eExplainers explainers) {
        java.util.function.Function<LoadedBundle, Router> routerOf = b -> {
            RoutingThresholds t = b.model().routing();
            return new Router(config.minPosterior() != null ? config.minPosterior() : t.minPosterior(),
                    config.maxResidual() != null ? config.maxResidual() : t.maxResidual());
        };
        return new TopologySettings(config.topics(), config.stage(), bundle, routerOf.apply(bundle), config.l2e(),
                config.maxFeatures(), explainers, new ModelHolder(bundle, routerOf), config.fidelity());
    }

    /** Ready for traffic: Kafka Streams is RUNNING, a bundle is loaded and the schema registry is not awaited. */
    public boolean ready() {
        return notReadyReason() == null;
    }

    /** Why the app is not ready (the body of a 503 from /health/ready), or null when it is. */
    public String notReadyReason() {
        String registryReason = registry.unavailableReason();
        if (registryReason != null) {
            return registryReason;
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return "Kafka Streams is " + state;
        }
        return models.current() == null ? "no model bundle is loaded" : null;
    }

    /** The holder of the bundle being served (swapped by the bundle watcher and the models topic). */
    public ModelHolder models() {
        return models;
    }

    /** Validates and swaps in the bundle at {@code location}; false (and the old one keeps serving) when refused. */
    public boolean swapBundle(java.nio.file.Path location) {
        return swapper.offer(location);
    }

    /**
     * Client settings for plain admin/consumer clients: the Kafka settings without the Streams-only ones and without
     * those Kafka Streams passes to its own producers and consumers only ({@code producer.*}, {@code consumer.*}).
     */
    public static Map<String, Object> clientConfig(AppConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafka());
        c.keySet().removeIf(k -> k.startsWith("explainstream.") || KafkaKeys.isStreamsOnly(k));
        return c;
    }

    public static Properties streamsProperties(AppConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DlqProcessingExceptionHandler.class.getName());
        p.put(ConfigKeys.TOPIC_DLQ.name(), config.topics().dlq());
        return p;
    }

    private void checkTopics() {
        List<String> needed = new ArrayList<>(List.of(config.topics().output(), config.topics().dlq()));
        needed.add(config.stage() == Stage.L2E ? config.topics().l2eRequests() : config.topics().input());
        if (config.stage() == Stage.GIME && config.l2e().enabled()) {
            needed.add(config.topics().l2eRequests());
        }
        try (Admin admin = Admin.create(clientConfig(config))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<String> missing = needed.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("topics " + missing + " do not exist on " + config.kafka()
                        .get("bootstrap.servers") + "; create them first (see the README's topic list)");
            }
            List<NewTopic> create = new ArrayList<>();
            if (config.fidelity().enabled() && config.stage() != Stage.L2E) {
                for (String topic : List.of(config.fidelity().topic(), config.fidelity().alertsTopic())) {
                    if (!existing.contains(topic)) {
                        create.add(new NewTopic(topic, Optional.of(1), Optional.empty()));
                    }
                }
                if (!existing.contains(config.fidelity().partialsTopic())) {
                    create.add(new NewTopic(config.fidelity().partialsTopic(), Optional.of(1), Optional.empty())
                            .configs(Map.of("retention.ms", Long.toString(Duration.ofDays(1).toMillis()))));
                }
            }
            if (config.modelsTopic() != null && !existing.contains(config.modelsTopic())) {
                create.add(new NewTopic(config.modelsTopic(), Optional.of(1), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            if (!create.isEmpty()) {
                LOG.info("creating topics {}", create.stream().map(NewTopic::name).toList());
                try {
                    admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics " + create.stream().map(NewTopic::name)
                                .toList() + " (create them, or set explainstream.fidelity.enabled=false): "
                                + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + config.kafka().get("bootstrap.servers")
                    + ": " + e.getMessage(), e);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The port of the /metrics and /health endpoints, or -1 when they are disabled. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    public LoadedBundle bundle() {
        return bundle;
    }

    /** Blocks until the streams client has stopped (closed, or failed for good). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        LOG.info("shutting down");
        if (watcher != null) {
            watcher.close();
        }
        if (modelsListener != null) {
            modelsListener.close();
        }
        streams.close(Duration.ofSeconds(30));
        if (ops != null) {
            ops.close();
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        Metrics.removeRegistry(meters);
        meters.close();
        meterClock.close();
        swapper.close();
        try {
            registry.close();
        } catch (Exception e) {
            LOG.warn("closing the registry client failed: {}", e.toString());
        }
        stopped.countDown();
    }
}
