package io.explainstream.serde;

import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.RoutingReason;
import io.explainstream.schema.SparseFeatures;
import io.explainstream.schema.Timings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

final class TestEvents {

    private TestEvents() {
    }

    static PredictionEvent dense() {
        return PredictionEvent.newBuilder()
                .setEventId("e-1")
                .setModelId("housing")
                .setModelVersion("3")
                .setEventTime(1_700_000_000_123L)
                .setFeatures(new DenseFeatures(List.of(1.5f, -2.0f, 0.25f)))
                .setPrediction(Prediction.newBuilder().setScore(0.87).setLabel("yes").setProbabilities(List.of(0.13, 0.87)).build())
                .setAttributes(Map.of("tenant", "acme"))
                .build();
    }

    static PredictionEvent sparse() {
        return PredictionEvent.newBuilder()
                .setEventId("e-2")
                .setModelId("reviews")
                .setModelVersion("1")
                .setEventTime(1_700_000_000_456L)
                .setFeatures(new SparseFeatures(10_000, List.of(3, 17, 9_999), List.of(1f, 2f, 0.5f)))
                .setPrediction(Prediction.newBuilder().setScore(-1.25).build())
                .build();
    }

    static ExplainedEvent explained() {
        PredictionEvent event = dense();
        return ExplainedEvent.newBuilder()
                .setEventId(event.getEventId())
                .setModelId(event.getModelId())
                .setModelVersion(event.getModelVersion())
                .setEventTime(event.getEventTime())
                .setPrediction(event.getPrediction())
                .setGroupId(4)
                .setPosterior(0.91)
                .setRunnerUpGroupId(2)
                .setRunnerUpPosterior(0.07)
                .setExplanation(Explanation.newBuilder()
                        .setSource(ExplanationSource.GROUP)
                        .setFeatures(List.of(FeatureAttribution.newBuilder()
                                .setIndex(1).setName("rooms").setValue(0.4).setWeight(1.2).setContribution(0.48)
                                .setLabel(FeatureLabel.HIGH_POSITIVE).build()))
                        .build())
                .setSurrogateValue(0.85)
                .setResidual(0.02)
                .setRouting(RoutingReason.NONE)
                .setBundleVersion("b-7")
                .setTimings(Timings.newBuilder().setExplainedAt(1_700_000_001_000L).setGimeNanos(12_345L).build())
                .setAttributes(Map.of("tenant", "acme"))
                .build();
    }

    /** {@code base} without field {@code dropped}. */
    static Schema withoutField(Schema base, String dropped) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            if (!f.name().equals(dropped)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    /** {@code base} plus {@code extra} as its last field. */
    static Schema withField(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    /** A generic record of {@code schema} holding {@code source}'s values for the fields they share. */
    static GenericRecord copy(SpecificRecord source, Schema schema) {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            Schema.Field sourceField = source.getSchema().getField(f.name());
            record.put(f.name(), sourceField == null ? null : source.get(sourceField.pos()));
        }
        return record;
    }

    /** Confluent wire-format bytes of {@code datum} written with {@code schema} under {@code id}. */
    static byte[] frame(int id, Schema schema, Object datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema, SpecificData.getForClass(PredictionEvent.class)).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
