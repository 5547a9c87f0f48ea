package io.explainstream.app.topology;

import io.explainstream.explain.GroupExplanations;
import io.explainstream.explain.Label;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ByteArrayEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes output records straight from an assignment, in the Confluent wire format: byte for byte what the
 * {@link ExplainedEvent} serializer writes for the record the same event would be as an object ({@link Outputs}, with
 * {@link GroupExplanations#write} or {@link GroupExplanations#ofScores} for its features; tests compare them), without
 * building it. Feature names and versions are encoded once. One per processor and serving model; not thread-safe.
 */
final class ExplainedEncoder implements GroupExplanations.Sink {
    private final GimeModel model;
    private final byte[] bundleVersion;
    private final byte[][] names;
    private final ByteArrayEncoder out = new ByteArrayEncoder(512);
    private final GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
    private String explainerVersion;
    private byte[] explainerVersionBytes;

    ExplainedEncoder(GimeModel model, String bundleVersion) {
        this.model = model;
        this.bundleVersion = bundleVersion.getBytes(StandardCharsets.UTF_8);
        this.names = new byte[model.dimension()][];
    }

    /**
     * A group-explained event: the assignment in {@code ws}, at most {@code maxFeatures} of its group's features. With
     * a {@code layout} of the event's record {@code raw}, the fields the output copies are copied from it; without
     * (null), they are encoded from {@code e}.
     */
    byte[] group(int schemaId, PredictionEvent e, byte[] raw, PredictionEventLayout layout, Workspace ws,
                 double residual, Route route, int maxFeatures, long explainedAt, long gimeNanos) {
        prefix(schemaId, e, raw, layout, ws.group(), ws.posterior(), ws.runnerUp(), ws.runnerUpPosterior(),
                ExplanationSource.GROUP);
        GroupExplanations.write(model, ws, maxFeatures, scratch, this);
        out.writeArrayEnd();
        suffix(e, raw, layout, model.target().fromZ(ws.surrogateZ()), residual, route, null, explainedAt, gimeNanos,
                -1, 0);
        return out.toByteArray();
    }

    /**
     * An event explained by L2E: its assignment as a {@link Assignment}, its scaled features {@code scaled}, and the
     * explainer's {@code scores} (and {@code labels}, or null to label the scores per instance); the features with a
     * non-zero score or a non-neutral label, largest |score| first, at most {@code maxFeatures}. {@code raw} and
     * {@code layout} as for {@link #group}.
     */
    byte[] l2e(int schemaId, PredictionEvent e, byte[] raw, PredictionEventLayout layout, Assignment a, float[] scaled,
               float[] scores, Label[] labels, int maxFeatures, String explainer, long explainedAt, long gimeNanos,
               long l2eNanos, int batchSize) {
        prefix(schemaId, e, raw, layout, a.group, a.posterior, a.runnerUp, a.runnerUpPosterior,
                ExplanationSource.L2E);
        GroupExplanations.writeScores(model, scaled, scores, labels, maxFeatures, scratch, this);
        out.writeArrayEnd();
        suffix(e, raw, layout, a.surrogateValue, a.residual, a.route, explainer, explainedAt, gimeNanos, l2eNanos,
                batchSize);
        return out.toByteArray();
    }

    /** One event's assignment, as the L2E stage keeps it for a row of its batch. */
    static final class Assignment {
        int group;
        double posterior;
        int runnerUp;
        double runnerUpPosterior;
        double surrogateValue;
        double residual;
        Route route;

        void set(GimeModel model, Workspace ws, double residual, Route route) {
            this.group = ws.group();
            this.posterior = ws.posterior();
            this.runnerUp = ws.runnerUp();
            this.runnerUpPosterior = ws.runnerUpPosterior();
            this.surrogateValue = model.target().fromZ(ws.surrogateZ());
            this.residual = residual;
            this.route = route;
        }
    }

    private void prefix(int schemaId, PredictionEvent e, byte[] raw, PredictionEventLayout layout, int group,
                        double posterior, int runnerUp, double runnerUpPosterior, ExplanationSource source) {
        ByteArrayEncoder o = out;
        o.reset();
        o.writeWireHeader(schemaId);
        if (layout != null) {
            o.writeFixed(raw, 5, layout.idsEnd - 5);
            o.writeFixed(raw, layout.predictionStart, layout.predictionEnd - layout.predictionStart);
        } else {
            o.writeString(e.getEventId());
            o.writeString(e.getModelId());
            o.writeString(e.getModelVersion());
            o.writeLong(e.getEventTime());
            try {
                e.getPrediction().customEncode(o);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        o.writeInt(group);
        o.writeDouble(posterior);
        if (runnerUp < 0) {
            o.writeIndex(0);
            o.writeIndex(0);
        } else {
            o.writeIndex(1);
            o.writeInt(runnerUp);
            o.writeIndex(1);
            o.writeDouble(runnerUpPosterior);
        }
        o.writeEnum(source.ordinal());
    }

    private void suffix(PredictionEvent e, byte[] raw, PredictionEventLayout layout, double surrogateValue,
                        double residual, Route route, String explainer, long explainedAt, long gimeNanos,
                        long l2eNanos, int batchSize) {
        ByteArrayEncoder o = out;
        o.writeDouble(surrogateValue);
        o.writeDouble(residual);
        o.writeEnum(route.ordinal());
        o.writeUtf8(bundleVersion);
        if (explainer == null) {
            o.writeIndex(0);
        } else {
            o.writeIndex(1);
            if (!explainer.equals(explainerVersion)) {
                explainerVersion = explainer;
                explainerVersionBytes = explainer.getBytes(StandardCharsets.UTF_8);
            }
            o.writeUtf8(explainerVersionBytes);
        }
        o.writeLong(explainedAt);
        o.writeLong(gimeNanos);
        if (l2eNanos < 0) {
            o.writeIndex(0);
            o.writeIndex(0);
        } else {
            o.writeIndex(1);
            o.writeLong(l2eNanos);
            o.writeIndex(1);
            o.writeInt(batchSize);
        }
        if (layout != null) {
            o.writeFixed(raw, layout.predictionEnd, raw.length - layout.predictionEnd);
            return;
        }
        Map<String, String> attributes = e.getAttributes();
        o.writeMapStart();
        o.setItemCount(attributes.size());
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            o.writeString(a.getKey());
            o.writeString(a.getValue());
        }
        o.writeMapEnd();
    }

    @Override
    public void begin(int count) {
        out.writeArrayStart();
        out.setItemCount(count);
    }

    @Override
    public void accept(int index, String name, double value, double weight, double contribution, Label label) {
        ByteArrayEncoder o = out;
        o.writeInt(index);
        byte[] n = names[index];
        if (n == null) {
            n = name.getBytes(StandardCharsets.UTF_8);
            names[index] = n;
        }
        o.writeUtf8(n);
        o.writeDouble(value);
        o.writeDouble(weight);
        o.writeDouble(contribution);
        o.writeEnum(label.ordinal());
    }
}
