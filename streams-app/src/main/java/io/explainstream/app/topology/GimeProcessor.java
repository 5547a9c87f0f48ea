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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.List;

/**
 * Validates an event's vector, assigns it to a GIME group of the bundle being served, evaluates the group's
 * surrogate and routes it: events the group explains well go to the output with the group explanation; uncertain
 * ones go, as an {@link ExplanationRequest} carrying that explanation as a fallback, to {@code uncertainTarget} (the
 * L2E stage or the l2e-requests topic), or to the output when no L2E stage is configured. When {@code fidelityTarget}
 * is set, each assigned event's fidelity {@link Observation} goes there too.
 */
final class GimeProcessor implements Processor<byte[], ValidEvent, byte[], Object> {
    private final ModelHolder models;
    private final int maxFeatures;
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
    private DistributionSummary posteriors;
    private Timer endToEnd;
    private final Outputs.GroupAttributions groupAttributions = new Outputs.GroupAttributions();

    GimeProcessor(ModelHolder models, int maxFeatures, String outputSink, String uncertainTarget,
                  String fidelityTarget, Dlq dlq) {
        this.models = models;
        this.maxFeatures = maxFeatures;
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
    }

    private void use(ModelHolder.Serving s) {
        this.serving = s;
        GimeModel model = s.model();
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.groupEvents = ExplainMetrics.groupCounters(s.bundle().model().groupCount());
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
        ExplainedEvent draft = Outputs.explained(event, s.bundle().model(), model, ws, residual, route,
                ExplanationSource.GROUP, groupAttributions.of(model, ws, maxFeatures), System.nanoTime() - start);
        int group = ws.group();
        groupEvents[group].increment();
        posteriors.record(ws.posterior());
        boolean toL2e = route != Route.NONE && uncertainTarget != null;
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
            routed.increment();
            Object uncertain = uncertainTarget.equals(ExplainTopology.L2E)
                    ? new UncertainEvent(PendingSource.PREDICTION_EVENT, record.value().rawValue(), event, draft)
                    : new ExplanationRequest(event, draft);
            context.forward(record.withValue(uncertain), uncertainTarget);
        } else {
            groupExplained.increment();
            context.forward(record.withValue(draft), outputSink);
            ExplainMetrics.recordEndToEnd(endToEnd, event.getEventTime());
        }
    }
}
