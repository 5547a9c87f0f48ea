package io.explainstream.app.topology;

import io.explainstream.app.Serdes;
import io.explainstream.app.config.ConfigKeys;
import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.config.Stage;
import io.explainstream.app.config.Topics;
import io.explainstream.app.l2e.ProviderChoice;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.Router;
import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.time.Duration;
import java.util.Properties;

/** A TopologyTestDriver over the explaining topology, with an in-memory schema registry. */
final class Harness implements AutoCloseable {
    final Topics topics = Topics.defaults();
    final ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    final TopologySerdes serdes = Serdes.create(registry, true);
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> input;
    final TestInputTopic<byte[], byte[]> requestsIn;
    final TestOutputTopic<byte[], ExplainedEvent> output;
    final TestOutputTopic<byte[], byte[]> dlq;
    final TestOutputTopic<byte[], ExplanationRequest> requestsOut;
    final TestOutputTopic<byte[], FidelityWindow> fidelity;
    final TestOutputTopic<byte[], DriftAlert> alerts;
    static final SharedL2eExplainers EXPLAINERS = new SharedL2eExplainers(new SimpleMeterRegistry());

    Harness(LoadedBundle bundle, Stage stage, Router router, L2eSettings l2e) {
        this(new TopologySettings(Topics.defaults(), stage, bundle, router, l2e, 10, EXPLAINERS));
    }

    /** A harness on any settings (fidelity monitoring, a swappable bundle). */
    Harness(TopologySettings settings) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "explainstream-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingExceptionHandler.class.getName());
        p.put(ConfigKeys.TOPIC_DLQ.name(), topics.dlq());
        driver = new TopologyTestDriver(ExplainTopology.buildTopology(settings, serdes), p);
        ByteArraySerializer bytes = new ByteArraySerializer();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        input = driver.createInputTopic(topics.input(), bytes, bytes);
        requestsIn = driver.createInputTopic(topics.l2eRequests(), bytes, bytes);
        output = driver.createOutputTopic(topics.output(), bytesIn, serdes.explainedEvent().deserializer());
        dlq = driver.createOutputTopic(topics.dlq(), bytesIn, bytesIn);
        requestsOut = driver.createOutputTopic(topics.l2eRequests(), bytesIn,
                serdes.explanationRequest().deserializer());
        fidelity = driver.createOutputTopic(settings.fidelity().topic(), bytesIn,
                serdes.fidelityWindow().deserializer());
        alerts = driver.createOutputTopic(settings.fidelity().alertsTopic(), bytesIn,
                serdes.driftAlert().deserializer());
    }

    Harness(LoadedBundle bundle) {
        this(bundle, Stage.ALL, new Router(bundle.model().routing().minPosterior(),
                bundle.model().routing().maxResidual()), L2eSettings.defaults());
    }

    static L2eSettings l2e(int batchSize) {
        return new L2eSettings(true, ProviderChoice.CPU, batchSize, Duration.ofMillis(20), 1);
    }

    byte[] encode(PredictionEvent e) {
        return serdes.predictionEvent().serializer().serialize(topics.input(), e);
    }

    byte[] encodeRequest(ExplanationRequest r) {
        return serdes.explanationRequest().serializer().serialize(topics.l2eRequests(), r);
    }

    void send(String key, PredictionEvent e) {
        input.pipeInput(key.getBytes(), encode(e));
    }

    @Override
    public void close() {
        driver.close();
    }
}
