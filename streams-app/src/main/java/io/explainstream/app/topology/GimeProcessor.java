package io.explainstream.app.topology;

import io.explainstream.bundle.LoadedBundle;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Router;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates an event's vector, assigns it to a GIME group, evaluates the group's surrogate and routes it:
 * events the group explains well go to the output with the group explanation; uncertain ones go, as an
 * {@link ExplanationRequest} carrying that explanation as a fallback, to {@code uncertainTarget} (the L2E stage or
 * the l2e-requests topic), or to the output when no L2E stage is configured.
 */
final class GimeProcessor implements Processor<byte[], ValidEvent, byte[], Object> {
    private final LoadedBundle bundle;
    private final GimeModel model;
    private final Router router;
    private final int maxFeatures;
    private final String outputSink;
    private final String uncertainTarget;
    private final Dlq dlq;
    private ProcessorContext<byte[], Object> context;
    private Workspace ws;
    private FeatureArrays arrays;
    private Counter groupExplained;
    private Counter routed;

    GimeProcessor(LoadedBundle bundle, GimeModel model, Router router, int maxFeatures, String outputSink,
                  String uncertainTarget, Dlq dlq) {
        this.bundle = bundle;
        this.model = model;
        this.router = router;
        this.maxFeatures = maxFeatures;
        this.outputSink = outputSink;
        this.uncertainTarget = uncertainTarget;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.groupExplained = Metrics.counter("explainstream.events.explained", "source", "GROUP");
        this.routed = Metrics.counter("explainstream.events.routed.l2e");
    }

    @Override
    public void process(Record<byte[], ValidEvent> record) {
        long start = System.nanoTime();
        PredictionEvent event = record.value().event();
        Violation v = arrays.assign(event, model, ws);
        if (v != null) {
            dlq.send(context, record, record.value().rawValue(), v);
            return;
        }
        double fz = model.target().toZ(event.getPrediction().getScore());
        double residual = Math.abs(ws.surrogateZ() - fz);
        Route route = router.route(ws.posterior(), residual);
        ExplainedEvent draft = Outputs.explained(event, bundle.model(), model, ws, residual, route,
                ExplanationSource.GROUP, GroupExplanations.of(model, ws, maxFeatures), System.nanoTime() - start);
        if (route != Route.NONE && uncertainTarget != null) {
            routed.increment();
            Object uncertain = uncertainTarget.equals(ExplainTopology.L2E)
                    ? new UncertainEvent(PendingSource.PREDICTION_EVENT, record.value().rawValue(), event, draft)
                    : new ExplanationRequest(event, draft);
            context.forward(record.withValue(uncertain), uncertainTarget);
        } else {
            groupExplained.increment();
            context.forward(record.withValue(draft), outputSink);
        }
    }
}
