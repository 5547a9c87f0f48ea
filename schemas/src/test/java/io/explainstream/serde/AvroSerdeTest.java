package io.explainstream.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.PredictionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final SchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    private final ExplainstreamSerdes serdes = ExplainstreamSerdes.create(registry, true);

    @AfterEach
    void close() {
        registry.close();
    }

    private <T> T roundTrip(Serde<T> serde, String topic, T value) {
        return serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, value));
    }

    @Test
    void roundTripsDensePredictionEvent() {
        PredictionEvent event = TestEvents.dense();
        assertEquals(event, roundTrip(serdes.predictionEvent(), "predictions", event));
    }

    @Test
    void roundTripsSparsePredictionEvent() {
        PredictionEvent event = TestEvents.sparse();
        assertEquals(event, roundTrip(serdes.predictionEvent(), "predictions", event));
    }

    @Test
    void roundTripsExplainedEvent() {
        ExplainedEvent event = TestEvents.explained();
        assertEquals(event, roundTrip(serdes.explainedEvent(), "explained", event));
    }

    @Test
    void customCodersWriteTheSameBytesAsAvrosGenericWriter() throws Exception {
        ExplainedEvent event = TestEvents.explained();
        byte[] fast = serdes.explainedEvent().serializer().serialize("explained", event);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(ExplainedEvent.getClassSchema()).write(event, enc);
        enc.flush();
        assertArrayEquals(out.toByteArray(), java.util.Arrays.copyOfRange(fast, 5, fast.length));
    }

    @Test
    void writesMagicByteAndRegisteredIdUnderTopicNameSubject() {
        byte[] bytes = serdes.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        int id = registry.lookup("predictions-value", PredictionEvent.getClassSchema());
        assertEquals(0, bytes[0]);
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals(PredictionEvent.getClassSchema(), registry.schemaById(id));
    }

    @Test
    void keySerdeUsesKeySubject() {
        AvroSerde<PredictionEvent> keys = new AvroSerde<>(PredictionEvent.class, registry, true);
        keys.configure(Map.of(), true);
        keys.serializer().serialize("predictions", TestEvents.dense());
        assertTrue(registry.lookup("predictions-key", PredictionEvent.getClassSchema()) > 0);
        assertThrows(UnknownSchemaException.class, () -> registry.lookup("predictions-value", PredictionEvent.getClassSchema()));
    }

    @Test
    void nullInNullOut() {
        assertNull(serdes.predictionEvent().serializer().serialize("predictions", null));
        assertNull(serdes.predictionEvent().deserializer().deserialize("predictions", null));
    }

    @Test
    void withoutAutoRegistrationTheSchemaMustExist() {
        ExplainstreamSerdes strict = ExplainstreamSerdes.create(registry, false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> strict.predictionEvent().serializer().serialize("predictions", TestEvents.dense()));
        assertTrue(e.getMessage().contains("predictions-value"), e.getMessage());
        assertTrue(e.getMessage().contains("auto-registration is off"), e.getMessage());

        int id = registry.register("predictions-value", PredictionEvent.getClassSchema());
        byte[] bytes = strict.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @Test
    void registerIsIdempotent() {
        int first = registry.register("predictions-value", PredictionEvent.getClassSchema());
        assertEquals(first, registry.register("predictions-value", PredictionEvent.getClassSchema()));
    }

    @Test
    void garbageIsNotWireFormat() {
        DecodeException e = assertThrows(DecodeException.class, () -> serdes.predictionEvent().deserializer()
                .deserialize("predictions", "{\"eventId\":\"e-1\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(DecodeException.Kind.NOT_WIRE_FORMAT, e.kind());
        assertEquals("magic byte is 0x7b, expected 0x00", e.getMessage());
    }

    @Test
    void shortRecordIsNotWireFormat() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", new byte[] {0, 0, 1}));
        assertEquals(DecodeException.Kind.NOT_WIRE_FORMAT, e.kind());
        assertEquals("record is 3 bytes, shorter than the 5-byte Confluent header", e.getMessage());
    }

    @Test
    void unknownSchemaId() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", new byte[] {0, 0, 0, 3, (byte) 0xe7, 2, 4}));
        assertEquals(DecodeException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
        assertEquals("schema id 999 is not registered", e.getMessage());
    }

    @Test
    void writerSchemaOfAnotherTypeIsIncompatible() {
        byte[] explained = serdes.explainedEvent().serializer().serialize("explained", TestEvents.explained());
        DecodeException e = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", explained));
        assertEquals(DecodeException.Kind.INCOMPATIBLE_SCHEMA, e.kind());
        assertTrue(e.getMessage().startsWith("writer schema io.explainstream.schema.ExplainedEvent"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be read as io.explainstream.schema.PredictionEvent"), e.getMessage());
        DecodeException again = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", explained));
        assertEquals(DecodeException.Kind.INCOMPATIBLE_SCHEMA, again.kind());
    }

    @Test
    void truncatedBodyIsMalformed() {
        byte[] bytes = serdes.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        DecodeException e = assertThrows(DecodeException.class, () -> serdes.predictionEvent().deserializer()
                .deserialize("predictions", Arrays.copyOf(bytes, bytes.length - 6)));
        assertEquals(DecodeException.Kind.MALFORMED_AVRO, e.kind());
        assertTrue(e.getMessage().startsWith("Avro body is malformed"), e.getMessage());
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] bytes = serdes.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
        DecodeException e = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", longer));
        assertEquals(DecodeException.Kind.MALFORMED_AVRO, e.kind());
        assertTrue(e.getMessage().contains("extra bytes"), e.getMessage());
    }

    @Test
    void decodeExceptionIsASerializationException() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", new byte[] {1}));
        assertInstanceOf(SerializationException.class, e);
    }

    @Test
    void olderWriterWithAFieldFewerIsReadAsCurrentContract() {
        Schema v1 = TestEvents.withoutField(PredictionEvent.getClassSchema(), "attributes");
        int id = registry.register("predictions-value", v1);
        PredictionEvent current = TestEvents.dense();
        byte[] bytes = TestEvents.frame(id, v1, TestEvents.copy(current, v1));

        PredictionEvent read = serdes.predictionEvent().deserializer().deserialize("predictions", bytes);
        assertEquals(current.getEventId(), read.getEventId());
        assertEquals(current.getFeatures(), read.getFeatures());
        assertEquals(current.getEventTime(), read.getEventTime());
        assertEquals(Map.of(), read.getAttributes());
    }

    @Test
    void newerWriterWithAnOptionalFieldIsReadAsCurrentContract() {
        Schema v2 = TestEvents.withField(PredictionEvent.getClassSchema(),
                new Schema.Field("region", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                        null, Schema.Field.NULL_DEFAULT_VALUE));
        int id = registry.register("predictions-value", v2);
        PredictionEvent current = TestEvents.sparse();
        var record = TestEvents.copy(current, v2);
        record.put("region", "eu-west");
        assertEquals(current, serdes.predictionEvent().deserializer().deserialize("predictions", TestEvents.frame(id, v2, record)));
    }

    @Test
    void registryOutageIsRetriableNotADecodeError() {
        try (SchemaRegistry down = ConfluentSchemaRegistry.connect(new RegistrySettings("http://127.0.0.1:1", true,
                Map.of("http.connect.timeout.ms", "500", "http.read.timeout.ms", "500")))) {
            AvroDeserializer<PredictionEvent> deserializer = new AvroDeserializer<>(PredictionEvent.class, down);
            assertThrows(RegistryUnavailableException.class,
                    () -> deserializer.deserialize("predictions", new byte[] {0, 0, 0, 0, 1, 2}));
        }
    }

    @Test
    void sharedSerdeIsThreadSafe() throws Exception {
        Serde<PredictionEvent> serde = serdes.predictionEvent();
        List<PredictionEvent> events = List.of(TestEvents.dense(), TestEvents.sparse());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        PredictionEvent event = events.get(i % 2);
                        assertEquals(event, roundTrip(serde, "predictions", event));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serializedBytesAreStable() {
        byte[] a = serdes.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        byte[] b = serdes.predictionEvent().serializer().serialize("predictions", TestEvents.dense());
        assertArrayEquals(a, b);
    }
}
