package io.explainstream.app;

import io.explainstream.app.config.AppConfig;
import io.explainstream.app.config.ConfigKeys;
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
import org.apache.kafka.clients.admin.Admin;
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

    private final AppConfig config;
    private final LoadedBundle bundle;
    private final SchemaRegistry registry;
    private final SharedL2eExplainers explainers;
    private final L2eExplainer explainerLease;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaStreamsMetrics streamsMetrics;
    private OpsServer ops;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ExplainstreamApp(AppConfig config) {
        this.config = config;
        this.bundle = BundleIo.read(config.bundlePath());
        Metrics.addRegistry(meters);
        Gauge.builder("explainstream.bundle.info", () -> 1).tag("model", bundle.model().modelId())
                .tag("version", bundle.model().version()).description("The model bundle being served")
                .register(meters);
        LOG.info("loaded model bundle {} (model {}, version {}, {} features, {} groups, L2E {})", bundle.directory(),
                bundle.model().modelId(), bundle.model().version(), bundle.model().dimension(),
                bundle.model().groupCount(), bundle.model().l2e() == null ? "none" : bundle.model().l2e().version());
        this.explainers = new SharedL2eExplainers(Metrics.globalRegistry);
        TopologySettings settings = settings(config, bundle, explainers);
        this.explainerLease = settings.l2eActive() && config.stage() != Stage.GIME
                ? explainers.open(bundle, config.l2e()) : null;
        if (explainerLease != null) {
            LOG.info("L2E explainer {} runs on {}", explainerLease.version(), explainerLease.provider());
        }
        this.registry = ConfluentSchemaRegistry.connect(config.registry());
        TopologySerdes serdes = Serdes.create(registry, config.registry().autoRegister(), config.limits());
        Topology topology = ExplainTopology.buildTopology(settings, serdes);
        LOG.info("topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, streamsProperties(config));
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
                app.ops = OpsServer.start(config.httpHost(), config.httpPort(), app.meters,
                        () -> app.streams.state() == KafkaStreams.State.RUNNING);
                LOG.info("metrics on http://{}:{}/metrics, health on /health/live and /health/ready",
                        config.httpHost(), app.ops.port());
            }
            app.streams.start();
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    public static TopologySettings settings(AppConfig config, LoadedBundle bundle, SharedL2eExplainers explainers) {
        RoutingThresholds t = bundle.model().routing();
        Router router = new Router(config.minPosterior() != null ? config.minPosterior() : t.minPosterior(),
                config.maxResidual() != null ? config.maxResidual() : t.maxResidual());
        return new TopologySettings(config.topics(), config.stage(), bundle, router, config.l2e(),
                config.maxFeatures(), explainers);
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
        Map<String, Object> adminConfig = new HashMap<>(config.kafka());
        adminConfig.keySet().removeIf(k -> k.startsWith("explainstream.") || Set.of("application.id",
                "processing.guarantee", "ensure.explicit.internal.resource.naming").contains(k));
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<String> missing = needed.stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("topics " + missing + " do not exist on " + config.kafka()
                        .get("bootstrap.servers") + "; create them first (see the README's topic list)");
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
        streams.close(Duration.ofSeconds(30));
        if (ops != null) {
            ops.close();
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        Metrics.removeRegistry(meters);
        meters.close();
        if (explainerLease != null) {
            explainerLease.close();
        }
        try {
            registry.close();
        } catch (Exception e) {
            LOG.warn("closing the registry client failed: {}", e.toString());
        }
        stopped.countDown();
    }
}
