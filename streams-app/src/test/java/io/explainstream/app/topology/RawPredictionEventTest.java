package io.explainstream.app.topology;

import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;
import io.explainstream.serde.AvroDeserializer;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.DecodeException;
import io.explainstream.serde.DecodeLimits;
import io.explainstream.serde.ExplainstreamSerdes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawPredictionEventTest {
    private static final String TOPIC = "predictions";
    private static final int DIMENSION = 8;
    private final ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    private final ExplainstreamSerdes serdes = ExplainstreamSerdes.create(registry, true);
    private final AvroDeserializer<PredictionEvent> events = serdes.predictionEvent().deserializer();
    private final Random random = new Random(11);

    @Test
    void shouldReadWhatTheDeserializerReadsFromEventsWrittenWithTheCurrentSchema() throws IOException {
        RawPredictionEvent reader = new RawPredictionEvent(DIMENSION);
        for (int i = 0; i < 500; i++) {
            PredictionEvent e = event(i);
            byte[] raw = serdes.predictionEvent().serializer().serialize(TOPIC, e);
            PredictionEvent decoded = events.deserialize(TOPIC, raw);
            assertTrue(reader.read(events, raw), "event " + i);
            assertSame(decoded, reader, raw);
            int attributes = encoded(enc -> {
                enc.writeMapStart();
                enc.setItemCount(e.getAttributes().size());
                for (Map.Entry<String, String> a : e.getAttributes().entrySet()) {
                    enc.startItem();
                    enc.writeString(a.getKey());
                    enc.writeString(a.getValue());
                }
                enc.writeMapEnd();
            });
            int prediction = encoded(enc -> e.getPrediction().customEncode(enc));
            int ids = encoded(enc -> {
                enc.writeString(e.getEventId());
                enc.writeString(e.getModelId());
                enc.writeString(e.getModelVersion());
                enc.writeLong(e.getEventTime());
            });
            assertEquals(5 + ids, reader.layout.idsEnd, "event " + i);
            assertEquals(raw.length - attributes, reader.layout.predictionEnd, "event " + i);
            assertEquals(raw.length - attributes - prediction, reader.layout.predictionStart, "event " + i);
        }
    }

    private interface Encoding {
        void write(BinaryEncoder enc) throws IOException;
    }

    private static int encoded(Encoding encoding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        encoding.write(enc);
        enc.flush();
        return bytes.size();
    }

    @Test
    void shouldReadArraysAndMapsWrittenInSeveralBlocksAsAvroDoes() throws IOException {
        RawPredictionEvent reader = new RawPredictionEvent(DIMENSION);
        byte[] raw = blocked(true);
        PredictionEvent decoded = events.deserialize(TOPIC, raw);
        assertTrue(reader.read(events, raw));
        assertSame(decoded, reader, raw);
        raw = blocked(false);
        decoded = events.deserialize(TOPIC, raw);
        assertTrue(reader.read(events, raw));
        assertSame(decoded, reader, raw);
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"), decoded.getAttributes());
    }

    @Test
    void shouldAcceptOnlyMutatedRecordsThatTheDeserializerReadsTheSame() {
        RawPredictionEvent reader = new RawPredictionEvent(DIMENSION);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] valid = serdes.predictionEvent().serializer().serialize(TOPIC, event(i));
            events.deserialize(TOPIC, valid);
            byte[] raw = mutate(valid);
            if (!reader.read(events, raw)) {
                refused++;
                continue;
            }
            PredictionEvent decoded;
            try {
                decoded = events.deserialize(TOPIC, raw);
            } catch (DecodeException e) {
                throw new AssertionError("the raw reader accepted what the deserializer refuses: " + e.getMessage()
                        + " in " + Arrays.toString(raw), e);
            }
            assertSame(decoded, reader, raw);
            accepted++;
        }
        assertTrue(accepted > 2_000 && refused > 2_000, accepted + " accepted, " + refused + " refused");
    }

    @Test
    void shouldRefuseEveryTruncationOfAValidRecord() {
        RawPredictionEvent reader = new RawPredictionEvent(DIMENSION);
        for (int i = 0; i < 20; i++) {
            byte[] valid = serdes.predictionEvent().serializer().serialize(TOPIC, event(i));
            events.deserialize(TOPIC, valid);
            for (int n = 0; n < valid.length; n++) {
                assertFalse(reader.read(events, Arrays.copyOf(valid, n)), "event " + i + " cut at " + n);
            }
            assertTrue(reader.read(events, valid));
        }
    }

    @Test
    void shouldRefuseVectorsLongerThanItHoldsAndRecordsBeyondTheLimits() {
        AvroDeserializer<PredictionEvent> limited =
                new AvroDeserializer<>(PredictionEvent.class, registry, new DecodeLimits(4096, 6, 8));
        PredictionEvent e = event(1);
        e.setFeatures(new DenseFeatures(List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f)));
        byte[] tooLong = serdes.predictionEvent().serializer().serialize(TOPIC, e);
        events.deserialize(TOPIC, tooLong);
        assertFalse(new RawPredictionEvent(DIMENSION).read(events, tooLong));
        assertTrue(new RawPredictionEvent(9).read(events, tooLong));

        e.setFeatures(new DenseFeatures(List.of(1f, 2f, 3f)));
        e.setModelId("a-model-id-over-8-bytes");
        byte[] longString = serdes.predictionEvent().serializer().serialize(TOPIC, e);
        assertTrue(new RawPredictionEvent(DIMENSION).read(events, longString));
        assertFalse(new RawPredictionEvent(DIMENSION).read(limited, longString));
        assertEquals(DecodeException.Kind.TOO_LARGE, kindOf(limited, longString));

        e.setModelId("m");
        e.setFeatures(new DenseFeatures(List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f)));
        byte[] manyValues = serdes.predictionEvent().serializer().serialize(TOPIC, e);
        assertFalse(new RawPredictionEvent(DIMENSION).read(limited, manyValues));
        assertEquals(DecodeException.Kind.TOO_LARGE, kindOf(limited, manyValues));
    }

    @Test
    void shouldRefuseRecordsWrittenWithAnotherSchema() throws IOException {
        Schema current = PredictionEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("extra", SchemaBuilder.builder().stringType(), "added by a newer producer", "x"));
        Schema newer = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        int id = registry.register(TOPIC + "-value", newer);
        PredictionEvent e = event(3);
        GenericRecord record = new GenericData.Record(newer);
        for (Schema.Field f : current.getFields()) {
            Object v = e.get(f.name());
            record.put(f.name(), v instanceof org.apache.avro.specific.SpecificRecord r
                    ? SpecificData.get().deepCopy(r.getSchema(), r) : v);
        }
        record.put("extra", "y");
        ByteArrayOutputStream bytes = header(id);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(newer, SpecificData.get()).write(record, enc);
        enc.flush();
        byte[] raw = bytes.toByteArray();
        assertEquals(e.getEventId(), events.deserialize(TOPIC, raw).getEventId());
        assertFalse(new RawPredictionEvent(DIMENSION).read(events, raw));
    }

    private static DecodeException.Kind kindOf(AvroDeserializer<PredictionEvent> d, byte[] raw) {
        try {
            d.deserialize(TOPIC, raw);
        } catch (DecodeException e) {
            return e.kind();
        }
        return null;
    }

    private static void assertSame(PredictionEvent decoded, RawPredictionEvent reader, byte[] raw) {
        assertEquals(decoded.getEventId().isEmpty(), reader.eventIdLength == 0);
        byte[] modelId = decoded.getModelId().getBytes(StandardCharsets.UTF_8);
        if (Arrays.equals(modelId, Arrays.copyOfRange(raw, reader.modelIdStart,
                reader.modelIdStart + reader.modelIdLength))) {
            assertTrue(reader.modelIdIs(modelId, raw));
        }
        assertFalse(reader.modelIdIs((decoded.getModelId() + "x").getBytes(StandardCharsets.UTF_8), raw));
        assertEquals(decoded.getEventTime(), reader.eventTime);
        assertEquals(Double.doubleToRawLongBits(decoded.getPrediction().getScore()),
                Double.doubleToRawLongBits(reader.score));
        List<Float> values;
        if (decoded.getFeatures() instanceof SparseFeatures s) {
            assertTrue(reader.sparse);
            assertEquals(s.getSize(), reader.size);
            assertArrayEquals(s.getIndices().stream().mapToInt(Integer::intValue).toArray(),
                    Arrays.copyOf(reader.indices, reader.indexCount));
            values = s.getValues();
        } else {
            assertFalse(reader.sparse);
            values = ((DenseFeatures) decoded.getFeatures()).getValues();
        }
        assertEquals(values.size(), reader.valueCount);
        for (int i = 0; i < values.size(); i++) {
            assertEquals(Float.floatToRawIntBits(values.get(i)), Float.floatToRawIntBits(reader.values[i]));
        }
    }

    private PredictionEvent event(int i) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int a = 0; a < i % 4; a++) {
            attributes.put("k" + a + "-" + i, a % 2 == 0 ? "ünï-" + i : "");
        }
        Object features;
        if (i % 3 == 0) {
            int nnz = i % (DIMENSION + 1);
            List<Integer> idx = new ArrayList<>();
            List<Float> v = new ArrayList<>();
            for (int k = 0; k < nnz; k++) {
                idx.add(k * (i % 5 + 1) - (i % 2));
                v.add((float) random.nextGaussian());
            }
            features = new SparseFeatures(i % 7 == 0 ? DIMENSION + 1 : DIMENSION, idx, v);
        } else {
            List<Float> v = new ArrayList<>();
            for (int k = 0; k < (i % 10 == 1 ? DIMENSION - 1 : DIMENSION); k++) {
                v.add(i % 11 == 0 && k == 2 ? Float.NaN : (float) (random.nextGaussian() * 1e3));
            }
            features = new DenseFeatures(v);
        }
        List<Double> probabilities = i % 4 == 1 ? List.of(0.25, 0.75) : null;
        return new PredictionEvent(i % 13 == 0 ? "" : "é-" + i, i % 6 == 0 ? "other" : "m-ß", "v" + i,
                1_700_000_000_000L + i * 1_000_003L, features,
                new Prediction(i % 9 == 0 ? Double.NaN : random.nextGaussian(), i % 2 == 0 ? null : "lab" + i,
                        probabilities), attributes);
    }

    /** A record written by hand with every array and the map split into blocks, negative counts with sizes. */
    private byte[] blocked(boolean sparse) throws IOException {
        events.deserialize(TOPIC, serdes.predictionEvent().serializer().serialize(TOPIC, event(1)));
        int id = ByteBuffer.wrap(serdes.predictionEvent().serializer().serialize(TOPIC, event(1)), 1, 4).getInt();
        ByteArrayOutputStream bytes = header(id);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        enc.writeString("id");
        enc.writeString("m");
        enc.writeString("v");
        enc.writeLong(123L);
        if (sparse) {
            enc.writeIndex(1);
            enc.writeInt(DIMENSION);
            enc.writeLong(-2);
            enc.writeLong(2);
            enc.writeInt(1);
            enc.writeInt(3);
            enc.writeLong(1);
            enc.writeInt(6);
            enc.writeLong(0);
            enc.writeLong(1);
            enc.writeFloat(0.5f);
            enc.writeLong(-2);
            enc.writeLong(8);
            enc.writeFloat(1.5f);
            enc.writeFloat(-2.5f);
            enc.writeLong(0);
        } else {
            enc.writeIndex(0);
            for (int b = 0; b < 4; b++) {
                enc.writeLong(-2);
                enc.writeLong(8);
                enc.writeFloat(b);
                enc.writeFloat(b + 0.25f);
            }
            enc.writeLong(0);
        }
        enc.writeDouble(0.75);
        enc.writeIndex(1);
        enc.writeString("yes");
        enc.writeIndex(1);
        enc.writeLong(1);
        enc.writeDouble(0.25);
        enc.writeLong(-1);
        enc.writeLong(16);
        enc.writeDouble(0.75);
        enc.writeLong(0);
        enc.writeLong(2);
        enc.writeString("a");
        enc.writeString("1");
        enc.writeString("b");
        enc.writeString("2");
        enc.writeLong(-1);
        enc.writeLong(4);
        enc.writeString("c");
        enc.writeString("3");
        enc.writeLong(0);
        enc.flush();
        return bytes.toByteArray();
    }

    private static ByteArrayOutputStream header(int id) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(ByteBuffer.allocate(4).putInt(id).array(), 0, 4);
        return bytes;
    }

    private byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> b[5 + random.nextInt(b.length - 5)] = (byte) random.nextInt(256);
            case 1 -> b[5 + random.nextInt(b.length - 5)] ^= (byte) (1 << random.nextInt(8));
            case 2 -> {
                int at = 5 + random.nextInt(b.length - 5);
                byte[] longer = new byte[b.length + 1];
                System.arraycopy(b, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(b, at, longer, at + 1, b.length - at);
                b = longer;
            }
            default -> {
                int at = 5 + random.nextInt(b.length - 5);
                byte[] shorter = new byte[b.length - 1];
                System.arraycopy(b, 0, shorter, 0, at);
                System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                b = shorter;
            }
        }
        return b;
    }
}
