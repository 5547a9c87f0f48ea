package io.explainstream.app.topology;

import io.explainstream.app.fidelity.Observation;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Duration;
import java.util.List;

/**
 * Validates an event's vector, assigns it to a GIME group of the bundle being served, evaluates the group's
 * surrogate and routes it: events the group explains well go to the output with the group explanation; uncertain
 * ones go, as an {@link ExplanationRequest} carrying that explanation as a fallback, to {@code uncertainTarget} (the
 * L2E stage or the l2e-requests topic), or to the output when no L2E stage is configured. When {@code fidelityTarget}
 * is set, each assigned event's fidelity {@link Observation} goes there too. The event counters reach Micrometer once a
 * second (and on close), not per event.
 */
final class GimeProcessor implements Processor<byte[], ValidEvent, byte[], Object> {
    /** How often the event counters reach Micrometer (they are counted in fields in between). */
    static final Duration COUNTS_FLUSH = Duration.ofSeconds(1);

    private final ModelHolder models;
    private final int maxFeatures;
    private final OutputEncoding encoding;
    private final String outputSink;
    private final String uncertainTarget;
    private final String fidelityTarget;
    private final Dlq dlq;
    private ProcessorContext<byte[], Object> context;
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
    private DistributionSummary posteriors;
    private Timer endToEnd;
    private final Outputs.GroupAttributions groupAttributions = new Outputs.GroupAttributions();
    private GroupExplainedEncoder encoder;
    private int schemaId = -1;

    GimeProcessor(ModelHolder models, int maxFeatures, OutputEncoding encoding, String outputSink,
                  String uncertainTarget, String fidelityTarget, Dlq dlq) {
        this.models = models;
        this.maxFeatures = maxFeatures;
        this.encoding = encoding;
        this.outputSink = outputSink;
        this.uncertainTarget = uncertainTarget;
        this.fidelityTarget = fidelityTarget;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.groupExplained = Metrics.counter("explainstream.events.explained", "source", "GROUP");
        this.routed = Metrics.counter("explainstream.events.routed.l2e");
        this.posteriors = ExplainMetrics.posterior();
        this.endToEnd = ExplainMetrics.endToEnd("GROUP");
        use(models.current());
        context.schedule(COUNTS_FLUSH, PunctuationType.WALL_CLOCK_TIME, now -> flushCounts());
    }

    @Override
    public void close() {
        flushCounts();
    }

    private void flushCounts() {
        for (int k = 0; k < groupCounts.length; k++) {
            if (groupCounts[k] > 0) {
                groupEvents[k].increment(groupCounts[k]);
                groupCounts[k] = 0;
            }
        }
        if (explainedCount > 0) {
            groupExplained.increment(explainedCount);
            explainedCount = 0;
        }
        if (routedCount > 0) {
            routed.increment(routedCount);
            routedCount = 0;
        }
    }

    private void use(ModelHolder.Serving s) {
        if (groupCounts != null) {
            flushCounts();
        }
        this.serving = s;
        GimeModel model = s.model();
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.encoder = new GroupExplainedEncoder(model, s.bundle().model().version());
        this.groupEvents = ExplainMetrics.groupCounters(s.bundle().model().groupCount());
        this.groupCounts = new long[groupEvents.length];
        List<String> classes = s.bundle().model().target().classLabels();
        this.agreementThreshold = classes == null || classes.isEmpty() ? Double.NaN : 1.0 / classes.size();
    }

    @Override
    public void process(Record<byte[], ValidEvent> record) {
        long start = System.nanoTime();
        ModelHolder.Serving s = models.current();
        if (s != serving) {
            use(s);
        }
        GimeModel model = s.model();
        PredictionEvent event = record.value().event();
        Violation v = arrays.assign(event, model, ws);
        if (v != null) {
            dlq.send(context, record, record.value().rawValue(), v);
            return;
        }
        double f = event.getPrediction().getScore();
        double fz = model.target().toZ(f);
        double residual = Math.abs(ws.surrogateZ() - fz);
        Route route = s.router().route(ws.posterior(), residual);
        boolean toL2e = route != Route.NONE && uncertainTarget != null;
        if (schemaId < 0) {
            schemaId = encoding.schemaIdOrNone();
        }
        Object output = !toL2e && schemaId >= 0
                ? encoder.encode(schemaId, event, ws, residual, route, maxFeatures, System.currentTimeMillis(),
                        System.nanoTime() - start)
                : Outputs.explained(event, s.bundle().model(), model, ws, residual, route, ExplanationSource.GROUP,
                        groupAttributions.of(model, ws, maxFeatures), System.nanoTime() - start);
        int group = ws.group();
        groupCounts[group]++;
        posteriors.record(ws.posterior());
        if (fidelityTarget != null) {
            byte agree = Observation.NO_LABEL;
            if (!Double.isNaN(agreementThreshold)) {
                double g = model.target().fromZ(ws.surrogateZ());
                agree = (g >= agreementThreshold) == (f >= agreementThreshold) ? Observation.AGREE : Observation.DISAGREE;
            }
            context.forward(record.withValue(new Observation(group, residual, ws.posterior(),
                    ws.posterior() >= s.router().minPosterior(), route != Route.NONE, agree)), fidelityTarget);
        }
        if (toL2e) {
            routedCount++;
            Object uncertain = uncertainTarget.equals(ExplainTopology.L2E)
                    ? new UncertainEvent(PendingSource.PREDICTION_EVENT, record.value().rawValue(), event,
                            (ExplainedEvent) output)
                    : new ExplanationRequest(event, (ExplainedEvent) output);
            context.forward(record.withValue(uncertain), uncertainTarget);
        } else {
            explainedCount++;
            context.forward(record.withValue(output), outputSink);
            ExplainMetrics.recordEndToEnd(endToEnd, event.getEventTime());
        }
    }
}
