package io.explainstream.app.topology;

import io.explainstream.app.config.Stage;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.GimeModel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The explaining topology, as a pure function of its settings and serdes. Every node and store is named:
 * <pre>
 * predictions-source → decode-validate → gime-assign ─certain──────────────→ explained-sink
 *                          │                 │ uncertain (stage all)  → l2e-explain [l2e-buffer] → explained-sink
 *                          │                 │ uncertain (stage gime) → l2e-requests-sink
 *                          └──bad────────────┴──────────────────────────→ dlq-sink
 * l2e-requests-source → l2e-requests-decode → l2e-explain → explained-sink   (stage l2e)
 * </pre>
 * Keys are passed through as bytes, so every output and DLQ record keeps its input record's key.
 */
public final class ExplainTopology {
    public static final String PREDICTIONS_SOURCE = "predictions-source";
    public static final String DECODE = "decode-validate";
    public static final String GIME = "gime-assign";
    public static final String L2E = "l2e-explain";
    public static final String L2E_BUFFER_STORE = "l2e-buffer";
    public static final String OUTPUT_SINK = "explained-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String REQUESTS_SINK = "l2e-requests-sink";
    public static final String REQUESTS_SOURCE = "l2e-requests-source";
    public static final String REQUESTS_DECODE = "l2e-requests-decode";

    private ExplainTopology() {
    }

    public static Topology buildTopology(TopologySettings settings, TopologySerdes serdes) {
        LoadedBundle bundle = settings.bundle();
        GimeModel model = GimeModel.of(bundle.model());
        Topology t = new Topology();
        List<String> toOutput = new ArrayList<>();
        List<String> toDlq = new ArrayList<>();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();

        if (settings.stage() != Stage.L2E) {
            String uncertainTarget = switch (settings.stage()) {
                case ALL -> settings.l2eActive() ? L2E : null;
                case GIME -> settings.l2e().enabled() ? REQUESTS_SINK : null;
                case L2E -> throw new IllegalStateException();
            };
            t.addSource(PREDICTIONS_SOURCE, bytesIn, bytesIn, settings.topics().input());
            t.addProcessor(DECODE, () -> new DecodeProcessor(serdes.predictionEvent().deserializer(), bundle.model(),
                    GIME, new Dlq(DLQ_SINK, DECODE)), PREDICTIONS_SOURCE);
            t.addProcessor(GIME, () -> new GimeProcessor(bundle, model, settings.router(), settings.maxFeatures(),
                    OUTPUT_SINK, uncertainTarget, new Dlq(DLQ_SINK, GIME)), DECODE);
            toOutput.add(GIME);
            toDlq.add(DECODE);
            toDlq.add(GIME);
            if (L2E.equals(uncertainTarget)) {
                addL2e(t, settings, serdes, model, GIME);
                toOutput.add(L2E);
                toDlq.add(L2E);
            }
            if (REQUESTS_SINK.equals(uncertainTarget)) {
                t.addSink(REQUESTS_SINK, settings.topics().l2eRequests(), bytesOut,
                        serdes.explanationRequest().serializer(), GIME);
            }
        } else {
            if (!settings.l2eActive()) {
                throw new IllegalArgumentException("stage l2e needs explainstream.l2e.enabled=true and a bundle with "
                        + "an L2E explainer; bundle " + bundle.directory() + " has "
                        + (bundle.model().l2e() == null ? "none" : "one, but L2E is disabled"));
            }
            t.addSource(REQUESTS_SOURCE, bytesIn, bytesIn, settings.topics().l2eRequests());
            t.addProcessor(REQUESTS_DECODE, () -> new RequestDecodeProcessor(
                    serdes.explanationRequest().deserializer(), L2E, new Dlq(DLQ_SINK, REQUESTS_DECODE)),
                    REQUESTS_SOURCE);
            addL2e(t, settings, serdes, model, REQUESTS_DECODE);
            toOutput.add(L2E);
            toDlq.add(REQUESTS_DECODE);
            toDlq.add(L2E);
        }
        t.addSink(OUTPUT_SINK, settings.topics().output(), bytesOut, serdes.explainedEvent().serializer(),
                toOutput.toArray(String[]::new));
        t.addSink(DLQ_SINK, settings.topics().dlq(), bytesOut, bytesOut, toDlq.toArray(String[]::new));
        return t;
    }

    private static void addL2e(Topology t, TopologySettings settings, TopologySerdes serdes, GimeModel model,
                               String parent) {
        t.addProcessor(L2E, () -> new L2eBatchProcessor(settings, model, serdes.predictionEvent().deserializer(),
                serdes.explanationRequest().deserializer(), L2E_BUFFER_STORE, OUTPUT_SINK, new Dlq(DLQ_SINK, L2E)),
                parent);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(L2E_BUFFER_STORE), Serdes.Long(),
                serdes.pendingExplanation()).withLoggingEnabled(Map.of()), L2E);
    }
}
