package io.explainstream.app.topology;

import io.explainstream.app.fidelity.FidelityObserver;
import io.explainstream.app.fidelity.Observation;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.explainstream.serde.AvroDeserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The GIME stage, one processor per task: decodes a raw input record as a {@link PredictionEvent} and checks the
 * event (ids, model, prediction; a failure goes to the DLQ with stage {@code decodeStage}), validates its vector,
 * assigns it to a GIME group of the bundle being served, evaluates the group's surrogate and routes it (a failure
 * goes to the DLQ with stage {@code gimeStage}). Events the group explains well go to the output as records this
 * processor encodes itself ({@link ExplainedEncoder}); uncertain ones go to {@code uncertainTarget}: to the L2E stage
 * of this topology as they came (it assigns them again with the same bundle), or to the l2e-requests topic as an
 * {@link ExplanationRequest} carrying the group explanation as a fallback; with no L2E stage, to the output. With a
 * {@link FidelityObserver}, every assigned event is observed for the online fidelity windows. Decoding, assignment
 * and observation share one node, so an event is forwarded once. An event written with the current schema that passes
 * the checks is read straight from its record's bytes ({@link RawPredictionEvent}) and never built as a
 * {@link PredictionEvent}, unless it goes to the l2e-requests topic; every other record is decoded, with the same
 * outcome. The event counters reach Micrometer
 * once a second (and on close), not per event.
 */
final class GimeProcessor extends DecodingProcessor<PredictionEvent> {
    /** How often the event counters reach Micrometer (they are counted in fields in between). */
    static final Duration COUNTS_FLUSH = Duration.ofSeconds(1);

    private final ModelHolder models;
    private final int maxFeatures;
    private final OutputEncoding encoding;
    private final String outputSink;
    private final String uncertainTarget;
    private final boolean routesWithinTopology;
    private final FidelityObserver fidelity;
    private final Dlq gimeDlq;
    private ModelHolder.Serving serving;
    private Workspace ws;
    private FeatureArrays arrays;
    private double agreementThreshold;
    private Counter groupExplained;
    private Counter routed;
    private Counter[] groupEvents;
    private long[] groupCounts;
    private long explainedCount;
    private long routedCount;
    private Counter readRaw;
    private Counter readDecoded;
    private long rawCount;
    private long decodedCount;
    private DistributionSummary posteriors;
    private Timer endToEnd;
    private final Outputs.GroupAttributions groupAttributions = new Outputs.GroupAttributions();
    private ExplainedEncoder encoder;
    private int schemaId = -1;
    private final AvroDeserializer<PredictionEvent> events;
    private RawPredictionEvent rawEvent;
    private byte[] modelIdUtf8;

    GimeProcessor(AvroDeserializer<PredictionEvent> deserializer, ModelHolder models, int maxFeatures,
                  OutputEncoding encoding, String outputSink, String uncertainTarget, FidelityObserver fidelity,
                  Dlq decodeDlq, Dlq gimeDlq) {
        super(deserializer, decodeDlq);
        this.events = deserializer;
        this.models = models;
        this.maxFeatures = maxFeatures;
        this.encoding = encoding;
        this.outputSink = outputSink;
        this.uncertainTarget = uncertainTarget;
        this.fidelity = fidelity;
        this.gimeDlq = gimeDlq;
        this.routesWithinTopology = ExplainTopology.L2E.equals(uncertainTarget);
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        super.init(context);
        this.groupExplained = Metrics.counter("explainstream.events.explained", "source", "GROUP");
        this.routed = Metrics.counter("explainstream.events.routed.l2e");
        this.readRaw = ExplainMetrics.eventsRead("raw");
        this.readDecoded = ExplainMetrics.eventsRead("decoded");
        this.posteriors = ExplainMetrics.posterior();
        this.endToEnd = ExplainMetrics.endToEnd("GROUP");
        use(models.current());
        context.schedule(COUNTS_FLUSH, PunctuationType.WALL_CLOCK_TIME, now -> flushCounts());
        if (fidelity != null) {
            fidelity.init(context);
        }
    }

    @Override
    public void close() {
        flushCounts();
    }

    private void flushCounts() {
        for (int k = 0; k < groupCounts.length; k++) {
            groupCounts[k] = flush(groupEvents[k], groupCounts[k]);
        }
        explainedCount = flush(groupExplained, explainedCount);
        routedCount = flush(routed, routedCount);
        rawCount = flush(readRaw, rawCount);
        decodedCount = flush(readDecoded, decodedCount);
    }

    /** Adds {@code count} to {@code counter}; returns the count left to add, 0. */
    private static long flush(Counter counter, long count) {
        if (count > 0) {
            counter.increment(count);
        }
        return 0;
    }

    private void use(ModelHolder.Serving s) {
        if (groupCounts != null) {
            flushCounts();
        }
        this.serving = s;
        GimeModel model = s.model();
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.rawEvent = new RawPredictionEvent(model.dimension());
        String modelId = s.bundle().model().modelId();
        byte[] utf8 = modelId.getBytes(StandardCharsets.UTF_8);
        this.modelIdUtf8 = new String(utf8, StandardCharsets.UTF_8).equals(modelId) ? utf8 : null;
        this.encoder = new ExplainedEncoder(model, s.bundle().model().version());
        this.groupEvents = ExplainMetrics.groupCounters(s.bundle().model().groupCount());
        this.groupCounts = new long[groupEvents.length];
        List<String> classes = s.bundle().model().target().classLabels();
        this.agreementThreshold = classes == null || classes.isEmpty() ? Double.NaN : 1.0 / classes.size();
    }

    /**
     * An event read straight from its bytes: explained here when its group explains it well, or handed as it came to
     * the L2E stage of this topology; anything else (an event for the l2e-requests topic, one that fails a check, a
     * record the raw reader does not accept) is left to {@link #decoded}.
     */
    @Override
    boolean handledRaw(Record<byte[], byte[]> record) {
        ModelHolder.Serving s = models.current();
        if (s != serving) {
            use(s);
        }
        byte[] raw = record.value();
        RawPredictionEvent e = rawEvent;
        if (modelIdUtf8 == null || schemaId() < 0 || !e.read(events, raw) || e.eventIdLength == 0
                || !e.modelIdIs(modelIdUtf8, raw) || !Double.isFinite(e.score)) {
            return false;
        }
        long start = System.nanoTime();
        GimeModel model = s.model();
        if (arrays.assign(e, model, ws) != null) {
            return false;
        }
        double residual = Math.abs(ws.surrogateZ() - model.target().toZ(e.score));
        Route route = s.router().route(ws.posterior(), residual);
        boolean uncertain = route != Route.NONE && uncertainTarget != null;
        if (uncertain && !routesWithinTopology) {
            return false;
        }
        long gimeNanos = System.nanoTime() - start;
        observe(record, s, model, e.score, residual, route);
        rawCount++;
        if (uncertain) {
            routedCount++;
            context.forward(record.withValue(new UncertainEvent(PendingSource.PREDICTION_EVENT, raw, null, null,
                    s.version(), gimeNanos)), uncertainTarget);
            return true;
        }
        explainedCount++;
        long now = System.currentTimeMillis();
        context.forward(record.withValue(encoder.group(schemaId, null, raw, e.layout, ws, residual, route,
                maxFeatures, now, gimeNanos)), outputSink);
        ExplainMetrics.recordEndToEnd(endToEnd, e.eventTime, now);
        return true;
    }

    @Override
    void decoded(Record<byte[], byte[]> record, PredictionEvent event) {
        long start = System.nanoTime();
        decodedCount++;
        ModelHolder.Serving s = models.current();
        if (s != serving) {
            use(s);
        }
        Violation v = check(event, s);
        if (v != null) {
            dlq.send(context, record, v);
            return;
        }
        GimeModel model = s.model();
        v = arrays.assign(event, model, ws);
        if (v != null) {
            gimeDlq.send(context, record, v);
            return;
        }
        double f = event.getPrediction().getScore();
        double fz = model.target().toZ(f);
        double residual = Math.abs(ws.surrogateZ() - fz);
        Route route = s.router().route(ws.posterior(), residual);
        long gimeNanos = System.nanoTime() - start;
        observe(record, s, model, f, residual, route);
        if (route == Route.NONE || uncertainTarget == null) {
            explainedCount++;
            context.forward(record.withValue(groupExplained(s, event, record.value(), residual, route, gimeNanos)),
                    outputSink);
            ExplainMetrics.recordEndToEnd(endToEnd, event.getEventTime());
            return;
        }
        routedCount++;
        Object uncertain = uncertainTarget.equals(ExplainTopology.L2E)
                ? new UncertainEvent(PendingSource.PREDICTION_EVENT, record.value(), event, null, s.version(),
                        gimeNanos)
                : new ExplanationRequest(event, draft(s, event, residual, route, gimeNanos));
        context.forward(record.withValue(uncertain), uncertainTarget);
    }

    private void observe(Record<byte[], byte[]> record, ModelHolder.Serving s, GimeModel model, double f,
                         double residual, Route route) {
        int group = ws.group();
        groupCounts[group]++;
        posteriors.record(ws.posterior());
        if (fidelity != null) {
            fidelity.observe(record.timestamp(), group, residual, ws.posterior(),
                    ws.posterior() >= s.router().minPosterior(), route != Route.NONE, agreement(model, f));
        }
    }

    private int schemaId() {
        if (schemaId < 0) {
            schemaId = encoding.schemaIdOrNone();
        }
        return schemaId;
    }

    /** The output record of the event assigned in {@code ws}: encoded here, or an object when no schema id is known. */
    private Object groupExplained(ModelHolder.Serving s, PredictionEvent event, byte[] raw, double residual,
                                  Route route, long gimeNanos) {
        if (schemaId() < 0) {
            return draft(s, event, residual, route, gimeNanos);
        }
        PredictionEventLayout copied = rawEvent.read(events, raw) ? rawEvent.layout : null;
        return encoder.group(schemaId, event, raw, copied, ws, residual, route, maxFeatures,
                System.currentTimeMillis(), gimeNanos);
    }

    private ExplainedEvent draft(ModelHolder.Serving s, PredictionEvent event, double residual, Route route,
                                 long gimeNanos) {
        return Outputs.explained(event, s.bundle().model(), s.model(), ws, residual, route, ExplanationSource.GROUP,
                groupAttributions.of(s.model(), ws, maxFeatures), gimeNanos);
    }

    private byte agreement(GimeModel model, double f) {
        if (Double.isNaN(agreementThreshold)) {
            return Observation.NO_LABEL;
        }
        double g = model.target().fromZ(ws.surrogateZ());
        return (g >= agreementThreshold) == (f >= agreementThreshold) ? Observation.AGREE : Observation.DISAGREE;
    }

    private static Violation check(PredictionEvent e, ModelHolder.Serving s) {
        String modelId = s.bundle().model().modelId();
        if (e.getEventId().isEmpty()) {
            return new Violation(InvalidReason.EMPTY_FIELD, "eventId is empty");
        }
        if (!modelId.equals(e.getModelId())) {
            return new Violation(InvalidReason.UNKNOWN_MODEL, "modelId '" + e.getModelId()
                    + "' is not the loaded bundle's model '" + modelId + "'");
        }
        if (!Double.isFinite(e.getPrediction().getScore())) {
            return new Violation(InvalidReason.NON_FINITE_PREDICTION,
                    "prediction.score is " + e.getPrediction().getScore());
        }
        return null;
    }
}
