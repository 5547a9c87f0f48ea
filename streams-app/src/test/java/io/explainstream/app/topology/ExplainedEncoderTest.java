package io.explainstream.app.topology;

import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.explain.Label;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Route;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.Timings;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import io.explainstream.serde.AvroSerializer;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.ExplainstreamSerdes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainedEncoderTest {
    private static final String TOPIC = "explained";
    private final AvroSerializer<ExplainedEvent> serializer =
            ExplainstreamSerdes.create(ConfluentSchemaRegistry.inMemory(), true).explainedEvent().serializer();
    private final Random random = new Random(7);

    @Test
    void shouldWriteTheSameBytesAsTheSerializerForTabularEvents() {
        int compared = compareMany(TestBundles.tabular(null), 4, 400);
        assertEquals(400, compared);
    }

    @Test
    void shouldWriteTheSameBytesAsTheSerializerForTextEventsWithFewAttributions() {
        ModelBundle text = TestBundles.text();
        GimeModel model = GimeModel.of(text);
        ExplainedEncoder encoder = new ExplainedEncoder(model, text.version());
        Workspace ws = model.newWorkspace();
        for (int limit : new int[]{1, 2, 10}) {
            for (int i = 0; i < 100; i++) {
                model.assignSparse(new int[]{i % 6, 5}, new float[]{random.nextFloat() * 3, 1}, i % 6 == 5 ? 1 : 2, ws);
                compare(text, model, encoder, ws, event(i, "text-model", null), limit);
            }
        }
    }

    @Test
    void shouldWriteNoRunnerUpForAOneGroupBundle() {
        ModelBundle t = TestBundles.tabular(null);
        ModelBundle one = new ModelBundle(t.formatVersion(), t.modelId(), "ein-bündel-✓", t.task(), t.features(),
                t.scaler(), t.target(), new GimeSpec(t.gime().tau(), List.of(new GroupSpec(0,
                new SparseWeights(new int[]{0, 1}, new double[]{1, 1}),
                new SparseWeights(new int[]{0, 1, 2, 3}, new double[]{0.5, -0.5, 0.25, 0}), 0, 10, null))),
                t.routing(), null, Map.of());
        GimeModel model = GimeModel.of(one);
        Workspace ws = model.newWorkspace();
        model.assignDense(new float[]{3, -1, 2, 0.5f}, ws);
        assertTrue(ws.runnerUp() < 0);
        ExplainedEvent written = compare(one, model, new ExplainedEncoder(model, one.version()), ws,
                event(1, one.modelId(), null), 10);
        assertEquals(null, written.getRunnerUpGroupId());
        assertEquals(3, written.getExplanation().getFeatures().size());
    }

    @Test
    void shouldWriteTheSameBytesAsTheSerializerForL2eExplainedEvents() {
        ModelBundle bundle = TestBundles.tabular(null);
        GimeModel model = GimeModel.of(bundle);
        ExplainedEncoder encoder = new ExplainedEncoder(model, bundle.version());
        Workspace ws = model.newWorkspace();
        ExplainedEncoder.Assignment a = new ExplainedEncoder.Assignment();
        int compared = 0;
        for (int i = 0; i < 300; i++) {
            model.assignDense(new float[]{(float) random.nextGaussian(), 2, (float) random.nextGaussian() * 3, 5}, ws);
            double residual = Math.abs(random.nextGaussian());
            Route route = Route.values()[random.nextInt(Route.values().length)];
            a.set(model, ws, residual, route);
            float[] scaled = new float[4];
            float[] scores = new float[4];
            for (int j = 0; j < 4; j++) {
                scaled[j] = (float) ws.scaled(j);
                scores[j] = i % 3 == 0 && j == i % 4 ? 0f : (float) random.nextGaussian();
            }
            if (i % 11 == 0) {
                scores[1] = -scores[2];
            }
            Label[] labels = i % 2 == 0 ? null : randomLabels();
            int limit = 1 + i % 5;
            PredictionEvent e = event(i, bundle.modelId(), i % 3 == 0 ? Map.of() : attributes(i));
            long explainedAt = 1_700_000_000_000L + i;
            ExplainedEvent expected = Outputs.explained(e, bundle, model, ws, residual, route, ExplanationSource.GROUP,
                    List.of(), 1234L);
            expected.setExplanation(new Explanation(ExplanationSource.L2E, Outputs.attributions(
                    GroupExplanations.ofScores(model, scaled, scores, labels, limit))));
            expected.setExplainerVersion("l2e-ß-" + i % 2);
            expected.setTimings(new Timings(explainedAt, 1234L, 5678L + i, 64));
            byte[] bytes = encoder.l2e(serializer.schemaId(TOPIC), e, null, null, a, scaled, scores, labels, limit,
                    "l2e-ß-" + i % 2, explainedAt, 1234L, 5678L + i, 64);
            assertArrayEquals(serializer.serialize(TOPIC, expected), bytes, "event " + i);
            compared++;
        }
        assertEquals(300, compared);
    }

    @Test
    void shouldCopyTheEventsFieldsFromItsRecordWrittenWithTheCurrentSchema() {
        ExplainstreamSerdes serdes = ExplainstreamSerdes.create(ConfluentSchemaRegistry.inMemory(), true);
        ModelBundle bundle = TestBundles.tabular(null);
        GimeModel model = GimeModel.of(bundle);
        ExplainedEncoder encoder = new ExplainedEncoder(model, bundle.version());
        Workspace ws = model.newWorkspace();
        RawPredictionEvent reader = new RawPredictionEvent(4);
        int copied = 0;
        for (int i = 0; i < 200; i++) {
            float[] x = {(float) random.nextGaussian(), 1, (float) random.nextGaussian(), 3};
            model.assignDense(x, ws);
            Map<String, String> attributes = i % 2 == 0 ? Map.of() : Map.of("k-" + i, "ünï-" + i);
            PredictionEvent e = event(i, bundle.modelId(), attributes);
            e.setFeatures(i % 3 == 0
                    ? new SparseFeatures(4 + i, List.of(0, 2, 1000 + i), List.of(1f, 2f, 3f))
                    : new DenseFeatures(List.of(x[0], x[1], x[2], x[3])));
            byte[] raw = serdes.predictionEvent().serializer().serialize("predictions", e);
            PredictionEvent decoded = serdes.predictionEvent().deserializer().deserialize("predictions", raw);
            assertTrue(serdes.predictionEvent().deserializer().writtenWithReaderSchema(raw));
            assertTrue(reader.read(serdes.predictionEvent().deserializer(), raw), "event " + i);
            byte[] fromRecord = encoder.group(serializer.schemaId(TOPIC), null, raw, reader.layout, ws, 0.5,
                    Route.NONE,
                    3, 42L, 7L);
            byte[] fromEvent = encoder.group(serializer.schemaId(TOPIC), decoded, null, null, ws, 0.5, Route.NONE,
                    3, 42L, 7L);
            assertArrayEquals(fromEvent, fromRecord, "event " + i);
            copied++;
        }
        assertEquals(200, copied);
    }

    @Test
    void shouldNotCopyFromARecordWrittenWithAnotherSchema() throws IOException {
        ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
        ExplainstreamSerdes serdes = ExplainstreamSerdes.create(registry, true);
        Schema v1 = new Schema.Parser().parse(Path.of("../schemas/src/main/avro-history/PredictionEvent/v1.avsc")
                .toFile());
        int id = registry.register("predictions-value", v1);
        PredictionEvent e = event(1, "m", Map.of());
        e.setFeatures(new DenseFeatures(List.of(1f, 2f)));
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            old.put(f.name(), f.name().equals("eventTime") ? v1Time(f.schema(), e.getEventTime()) : copy(f, e));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, enc);
        enc.flush();
        byte[] raw = bytes.toByteArray();
        PredictionEvent decoded = serdes.predictionEvent().deserializer().deserialize("predictions", raw);
        assertEquals(e.getEventId(), decoded.getEventId());
        assertTrue(!serdes.predictionEvent().deserializer().writtenWithReaderSchema(raw),
                "written with another schema (v1, whose eventTime has a logical type): decoded, never copied");
    }

    private static Object v1Time(Schema s, long millis) {
        Schema t = s.getType() == Schema.Type.UNION ? s.getTypes().get(s.getTypes().size() - 1) : s;
        return switch (t.getType()) {
            case STRING -> java.time.Instant.ofEpochMilli(millis).toString();
            case LONG -> millis;
            default -> throw new IllegalStateException("v1 eventTime is " + t);
        };
    }

    private static Object copy(Schema.Field f, PredictionEvent e) {
        Object v = e.get(f.name());
        if (v instanceof org.apache.avro.specific.SpecificRecord r) {
            return org.apache.avro.specific.SpecificData.get().deepCopy(r.getSchema(), r);
        }
        return v;
    }

    private Label[] randomLabels() {
        Label[] l = new Label[4];
        for (int j = 0; j < 4; j++) {
            l[j] = Label.values()[random.nextInt(Label.values().length)];
        }
        return l;
    }

    private int compareMany(ModelBundle bundle, int dimension, int events) {
        GimeModel model = GimeModel.of(bundle);
        ExplainedEncoder encoder = new ExplainedEncoder(model, bundle.version());
        Workspace ws = model.newWorkspace();
        int n = 0;
        for (int i = 0; i < events; i++) {
            float[] x = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                x[j] = i % 17 == 0 && j == 1 ? 0 : (float) (random.nextGaussian() * 3);
            }
            model.assignDense(x, ws);
            Map<String, String> attributes = switch (i % 3) {
                case 0 -> Map.of();
                case 1 -> Map.of("origin", "test");
                default -> attributes(i);
            };
            compare(bundle, model, encoder, ws, event(i, bundle.modelId(), attributes), 1 + i % 5);
            n++;
        }
        return n;
    }

    private ExplainedEvent compare(ModelBundle bundle, GimeModel model, ExplainedEncoder encoder, Workspace ws,
                                   PredictionEvent e, int limit) {
        double residual = Math.abs(random.nextGaussian());
        Route route = Route.values()[random.nextInt(Route.values().length)];
        long gimeNanos = random.nextInt(100_000);
        ExplainedEvent expected = Outputs.explained(e, bundle, model, ws, residual, route, ExplanationSource.GROUP,
                new Outputs.GroupAttributions().of(model, ws, limit), gimeNanos);
        byte[] bytes = encoder.group(serializer.schemaId(TOPIC), e, null, null, ws, residual, route, limit,
                expected.getTimings().getExplainedAt(), gimeNanos);
        assertArrayEquals(serializer.serialize(TOPIC, expected), bytes, () -> "event " + e.getEventId());
        return expected;
    }

    private PredictionEvent event(int i, String modelId, Map<String, String> attributes) {
        Prediction prediction = i % 4 == 0
                ? new Prediction(random.nextDouble(), "clasé-" + i, List.of(0.25, 0.75))
                : new Prediction(random.nextGaussian(), null, null);
        List<Float> unused = new ArrayList<>(List.of(1f));
        return new PredictionEvent(i % 5 == 0 ? "événement-" + i : "e-" + i, modelId, i % 7 == 0 ? "" : "v" + i,
                1_700_000_000_000L + i * 997L, new DenseFeatures(unused), prediction,
                attributes == null ? Map.of("source", "ünïcode ✓") : attributes);
    }

    private static Map<String, String> attributes(int i) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int a = 0; a < 3 + i % 4; a++) {
            m.put("key-" + a, a % 2 == 0 ? "value " + i : "wert-ä-" + i);
        }
        return m;
    }
}
