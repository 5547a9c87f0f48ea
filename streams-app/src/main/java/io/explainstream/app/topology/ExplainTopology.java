package io.explainstream.app.topology;

import io.explainstream.app.config.Stage;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.app.config.FidelitySettings;
import io.explainstream.app.fidelity.FidelityMergeProcessor;
import io.explainstream.app.fidelity.FidelityObserver;
import io.explainstream.app.fidelity.Sums;
import io.explainstream.app.state.DeferredStoreBuilder;
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
 * predictions-source → gime-explain [fidelity-task-sums] ─certain──────────────→ explained-sink
 *                          │  │ uncertain (stage all)  → l2e-explain [l2e-buffer] → explained-sink
 *                          │  │ uncertain (stage gime) → l2e-requests-sink
 *                          │  └ closed fidelity windows → fidelity-partials-sink   (fidelity on)
 *                          └──bad (stage decode-validate or gime-assign) ──────→ dlq-sink
 * l2e-requests-source → l2e-requests-decode → l2e-explain → explained-sink   (stage l2e)
 * fidelity-partials-source → fidelity-merge [fidelity-window-sums, fidelity-drift] → fidelity-sink, alerts-sink
 * </pre>
 * The GIME node decodes, validates, assigns, explains and observes fidelity in one step ({@link GimeProcessor}), so an
 * event is forwarded once, as in a plain deserialize → serialize topology. Keys are passed through as bytes, so every
 * output and DLQ record keeps its input record's key.
 */
public final class ExplainTopology {
    public static final String PREDICTIONS_SOURCE = "predictions-source";
    /** The GIME stage's node. */
    public static final String GIME = "gime-explain";
    /** DLQ stage of records that do not decode or whose event fails its checks (ids, model, prediction). */
    public static final String DECODE_STAGE = "decode-validate";
    /** DLQ stage of events whose feature vector the model refuses. */
    public static final String GIME_STAGE = "gime-assign";
    public static final String L2E = "l2e-explain";
    public static final String L2E_BUFFER_STORE = "l2e-buffer";
    public static final String OUTPUT_SINK = "explained-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String REQUESTS_SINK = "l2e-requests-sink";
    public static final String REQUESTS_SOURCE = "l2e-requests-source";
    public static final String REQUESTS_DECODE = "l2e-requests-decode";
    public static final String FIDELITY_TASK_STORE = "fidelity-task-sums";
    public static final String PARTIALS_SINK = "fidelity-partials-sink";
    public static final String PARTIALS_SOURCE = "fidelity-partials-source";
    public static final String FIDELITY_MERGE = "fidelity-merge";
    public static final String FIDELITY_WINDOW_STORE = "fidelity-window-sums";
    public static final String DRIFT_STORE = "fidelity-drift";
    public static final String FIDELITY_SINK = "fidelity-sink";
    public static final String ALERTS_SINK = "alerts-sink";

    private ExplainTopology() {
    }

    public static Topology buildTopology(TopologySettings settings, TopologySerdes serdes) {
        LoadedBundle bundle = settings.bundle();
        ModelHolder models = settings.models();
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
            OutputEncoding encoding = new OutputEncoding(serdes.explainedEvent().serializer(),
                    settings.topics().output());
            FidelitySettings f = settings.fidelity();
            boolean fidelity = settings.fidelityActive();
            t.addProcessor(GIME, () -> new GimeProcessor(serdes.predictionEvent().deserializer(), models,
                    settings.maxFeatures(), encoding, OUTPUT_SINK, uncertainTarget,
                    fidelity ? new FidelityObserver(f, FIDELITY_TASK_STORE, PARTIALS_SINK) : null,
                    new Dlq(DLQ_SINK, DECODE_STAGE), new Dlq(DLQ_SINK, GIME_STAGE)), PREDICTIONS_SOURCE);
            toOutput.add(GIME);
            toDlq.add(GIME);
            if (L2E.equals(uncertainTarget)) {
                addL2e(t, settings, serdes, true, GIME);
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
            addL2e(t, settings, serdes, false, REQUESTS_DECODE);
            toOutput.add(L2E);
            toDlq.add(REQUESTS_DECODE);
            toDlq.add(L2E);
        }
        t.addSink(OUTPUT_SINK, settings.topics().output(), bytesOut,
                new ExplainedOutputSerializer(serdes.explainedEvent().serializer()),
                toOutput.toArray(String[]::new));
        t.addSink(DLQ_SINK, settings.topics().dlq(), bytesOut, bytesOut, toDlq.toArray(String[]::new));
        if (settings.fidelityActive()) {
            addFidelity(t, settings, serdes);
        }
        return t;
    }

    /**
     * Online fidelity: each task sums its events' observations per group and window, and sends the sums of closed
     * windows (and heartbeats) through the one-partition partials topic to the merging task, which publishes the
     * complete windows and raises drift alarms.
     */
    private static void addFidelity(Topology t, TopologySettings settings, TopologySerdes serdes) {
        FidelitySettings f = settings.fidelity();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        t.addStateStore(new DeferredStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(FIDELITY_TASK_STORE), Serdes.String(), Sums.serde()))
                .withLoggingEnabled(Map.of()), GIME);
        t.addSink(PARTIALS_SINK, f.partialsTopic(), bytesOut, bytesOut, GIME);
        t.addSource(PARTIALS_SOURCE, bytesIn, bytesIn, f.partialsTopic());
        t.addProcessor(FIDELITY_MERGE, () -> new FidelityMergeProcessor(f, settings.models(), FIDELITY_WINDOW_STORE,
                DRIFT_STORE, FIDELITY_SINK, ALERTS_SINK), PARTIALS_SOURCE);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FIDELITY_WINDOW_STORE),
                Serdes.String(), Sums.serde()).withLoggingEnabled(Map.of()), FIDELITY_MERGE);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DRIFT_STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()), FIDELITY_MERGE);
        t.addSink(FIDELITY_SINK, f.topic(), bytesOut, serdes.fidelityWindow().serializer(), FIDELITY_MERGE);
        t.addSink(ALERTS_SINK, f.alertsTopic(), bytesOut, serdes.driftAlert().serializer(), FIDELITY_MERGE);
    }

    private static void addL2e(Topology t, TopologySettings settings, TopologySerdes serdes, boolean followAssigning,
                               String parent) {
        OutputEncoding encoding = new OutputEncoding(serdes.explainedEvent().serializer(), settings.topics().output());
        t.addProcessor(L2E, () -> new L2eBatchProcessor(settings, settings.models(), followAssigning,
                serdes.predictionEvent().deserializer(), serdes.explanationRequest().deserializer(), encoding,
                L2E_BUFFER_STORE, OUTPUT_SINK, new Dlq(DLQ_SINK, L2E)), parent);
        t.addStateStore(new DeferredStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(L2E_BUFFER_STORE), Serdes.Long(), serdes.pendingExplanation()))
                .withLoggingEnabled(Map.of()), L2E);
    }
}
