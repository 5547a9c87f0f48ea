package io.explainstream.app.topology;

import io.explainstream.bundle.ModelBundle;
import io.explainstream.explain.Attribution;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.explain.Label;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.RoutingReason;
import io.explainstream.schema.Timings;

import java.util.ArrayList;
import java.util.List;

/** Builds the output records from an assignment. */
final class Outputs {
    private static final FeatureLabel[] LABELS = FeatureLabel.values();
    private static final RoutingReason[] REASONS = RoutingReason.values();

    static {
        for (io.explainstream.explain.Label l : io.explainstream.explain.Label.values()) {
            if (!LABELS[l.ordinal()].name().equals(l.name())) {
                throw new IllegalStateException("FeatureLabel and Label disagree at " + l);
            }
        }
        for (Route r : Route.values()) {
            if (!REASONS[r.ordinal()].name().equals(r.name())) {
                throw new IllegalStateException("RoutingReason and Route disagree at " + r);
            }
        }
    }

    private Outputs() {
    }

    static RoutingReason reason(Route route) {
        return REASONS[route.ordinal()];
    }

    static ExplainedEvent explained(PredictionEvent e, ModelBundle bundle, GimeModel model, Workspace ws,
                                    double residual, Route route, ExplanationSource source,
                                    List<FeatureAttribution> features, long gimeNanos) {
        Integer runnerUp = ws.runnerUp() < 0 ? null : ws.runnerUp();
        Double runnerUpPosterior = ws.runnerUp() < 0 ? null : ws.runnerUpPosterior();
        return new ExplainedEvent(e.getEventId(), e.getModelId(), e.getModelVersion(), e.getEventTime(),
                e.getPrediction(), ws.group(), ws.posterior(), runnerUp, runnerUpPosterior,
                new Explanation(source, features), model.target().fromZ(ws.surrogateZ()), residual,
                REASONS[route.ordinal()], bundle.version(), null,
                new Timings(System.currentTimeMillis(), gimeNanos, null, null),
                e.getAttributes());
    }

    /**
     * The group explanation of the event assigned in a workspace as the output record's attributions, built without
     * intermediate objects; one per processor (not thread-safe).
     */
    static final class GroupAttributions implements GroupExplanations.Sink {
        private final GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
        private List<FeatureAttribution> target;

        List<FeatureAttribution> of(GimeModel model, Workspace ws, int limit) {
            List<FeatureAttribution> out = new ArrayList<>(Math.min(limit,
                    model.explanationIndices(ws.group()).length));
            target = out;
            GroupExplanations.write(model, ws, limit, scratch, this);
            target = null;
            return out;
        }

        @Override
        public void accept(int index, String name, double value, double weight, double contribution, Label label) {
            target.add(new FeatureAttribution(index, name, value, weight, contribution, LABELS[label.ordinal()]));
        }
    }

    static List<FeatureAttribution> attributions(List<Attribution> from) {
        List<FeatureAttribution> out = new ArrayList<>(from.size());
        for (Attribution a : from) {
            out.add(new FeatureAttribution(a.index(), a.name(), a.value(), a.weight(), a.contribution(),
                    LABELS[a.label().ordinal()]));
        }
        return out;
    }
}
