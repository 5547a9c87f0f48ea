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
 * Writes the output record of a group-explained event straight from the assignment in a workspace, in the Confluent
 * wire format: byte for byte what the {@link ExplainedEvent} serializer writes for the record
 * {@link Outputs#explained} builds (a test compares them), without building it. Feature names and the bundle version
 * are encoded once. One per processor and serving model; not thread-safe.
 */
final class GroupExplainedEncoder implements GroupExplanations.Sink {
    private final GimeModel model;
    private final byte[] bundleVersion;
    private final byte[][] names;
    private final ByteArrayEncoder out = new ByteArrayEncoder(512);
    private final GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();

    GroupExplainedEncoder(GimeModel model, String bundleVersion) {
        this.model = model;
        this.bundleVersion = bundleVersion.getBytes(StandardCharsets.UTF_8);
        this.names = new byte[model.dimension()][];
    }

    byte[] encode(int schemaId, PredictionEvent e, Workspace ws, double residual, Route route, int maxFeatures,
                  long explainedAt, long gimeNanos) {
        ByteArrayEncoder o = out;
        o.reset();
        o.writeWireHeader(schemaId);
        o.writeString(e.getEventId());
        o.writeString(e.getModelId());
        o.writeString(e.getModelVersion());
        o.writeLong(e.getEventTime());
        try {
            e.getPrediction().customEncode(o);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        o.writeInt(ws.group());
        o.writeDouble(ws.posterior());
        if (ws.runnerUp() < 0) {
            o.writeIndex(0);
            o.writeIndex(0);
        } else {
            o.writeIndex(1);
            o.writeInt(ws.runnerUp());
            o.writeIndex(1);
            o.writeDouble(ws.runnerUpPosterior());
        }
        o.writeEnum(ExplanationSource.GROUP.ordinal());
        GroupExplanations.write(model, ws, maxFeatures, scratch, this);
        o.writeArrayEnd();
        o.writeDouble(model.target().fromZ(ws.surrogateZ()));
        o.writeDouble(residual);
        o.writeEnum(route.ordinal());
        o.writeUtf8(bundleVersion);
        o.writeIndex(0);
        o.writeLong(explainedAt);
        o.writeLong(gimeNanos);
        o.writeIndex(0);
        o.writeIndex(0);
        Map<String, String> attributes = e.getAttributes();
        o.writeMapStart();
        o.setItemCount(attributes.size());
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            o.writeString(a.getKey());
            o.writeString(a.getValue());
        }
        o.writeMapEnd();
        return o.toByteArray();
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
