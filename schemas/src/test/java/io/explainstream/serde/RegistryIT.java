package io.explainstream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.testkit.ApicurioRegistry;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The serdes and the registry client against a real Apicurio Registry speaking the Confluent API. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryIT {

    private static ApicurioRegistry apicurio;
    private static SchemaRegistry registry;
    private static ExplainstreamSerdes serdes;

    @BeforeAll
    static void start() {
        apicurio = ApicurioRegistry.start();
        registry = ConfluentSchemaRegistry.connect(new RegistrySettings(apicurio.url(), true));
        serdes = ExplainstreamSerdes.create(registry, true);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @Test
    @Order(1)
    void registersWritesAndReadsBack() {
        PredictionEvent event = TestEvents.dense();
        byte[] bytes = serdes.predictionEvent().serializer().serialize("predictions", event);
        int id = registry.lookup("predictions-value", PredictionEvent.getClassSchema());
        assertEquals(0, bytes[0]);
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals(PredictionEvent.getClassSchema(), registry.schemaById(id));

        ExplainstreamSerdes fresh = ExplainstreamSerdes.create(registry, false);
        assertEquals(event, fresh.predictionEvent().deserializer().deserialize("predictions", bytes));
        assertEquals(TestEvents.sparse(), fresh.predictionEvent().deserializer().deserialize("predictions",
                fresh.predictionEvent().serializer().serialize("predictions", TestEvents.sparse())));
        assertEquals(id, registry.register("predictions-value", PredictionEvent.getClassSchema()));
    }

    @Test
    @Order(2)
    void evolvesBackwardCompatibly() {
        registry.register("predictions-value", PredictionEvent.getClassSchema());
        registry.setCompatibility("predictions-value", "BACKWARD");
        int v1 = registry.lookup("predictions-value", PredictionEvent.getClassSchema());

        Schema v2 = TestEvents.withField(PredictionEvent.getClassSchema(), new Schema.Field("region",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null,
                Schema.Field.NULL_DEFAULT_VALUE));
        int v2Id = registry.register("predictions-value", v2);
        assertNotEquals(v1, v2Id);

        Schema broken = TestEvents.withField(v2, new Schema.Field("tenant", Schema.create(Schema.Type.STRING), null, null));
        assertThrows(IncompatibleSchemaException.class, () -> registry.register("predictions-value", broken));

        PredictionEvent event = TestEvents.dense();
        var record = TestEvents.copy(event, v2);
        record.put("region", "eu-west");
        byte[] bytes = TestEvents.frame(v2Id, v2, record);
        assertEquals(event, serdes.predictionEvent().deserializer().deserialize("predictions", bytes));
    }

    @Test
    @Order(3)
    void withoutAutoRegistrationAnUnregisteredSchemaIsRefused() {
        ExplainstreamSerdes strict = ExplainstreamSerdes.create(registry, false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> strict.explainedEvent().serializer().serialize("explained", TestEvents.explained()));
        assertTrue(e.getMessage().contains("explained-value"), e.getMessage());
        registry.register("explained-value", ExplainedEvent.getClassSchema());
        byte[] bytes = strict.explainedEvent().serializer().serialize("explained", TestEvents.explained());
        assertEquals(TestEvents.explained(), strict.explainedEvent().deserializer().deserialize("explained", bytes));
    }

    @Test
    @Order(4)
    void unknownIdAndIncompatibleWriterAreDecodeErrors() {
        DecodeException unknown = assertThrows(DecodeException.class, () -> serdes.predictionEvent().deserializer()
                .deserialize("predictions", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2}));
        assertEquals(DecodeException.Kind.UNKNOWN_SCHEMA_ID, unknown.kind());

        byte[] explained = serdes.explainedEvent().serializer().serialize("explained", TestEvents.explained());
        DecodeException incompatible = assertThrows(DecodeException.class,
                () -> serdes.predictionEvent().deserializer().deserialize("predictions", explained));
        assertEquals(DecodeException.Kind.INCOMPATIBLE_SCHEMA, incompatible.kind());
    }

    @Test
    @Order(5)
    void outageIsRetriableAndTheRegistryComesBack() {
        apicurio.stop();
        try (SchemaRegistry client = ConfluentSchemaRegistry.connect(new RegistrySettings(apicurio.url(), true))) {
            AvroDeserializer<PredictionEvent> deserializer = new AvroDeserializer<>(PredictionEvent.class, client);
            assertThrows(RegistryUnavailableException.class,
                    () -> deserializer.deserialize("predictions", new byte[] {0, 0, 0, 0, 1, 2}));
            apicurio.restart();
            int id = client.register("predictions-value", PredictionEvent.getClassSchema());
            byte[] bytes = new AvroSerializer<>(PredictionEvent.class, client, false, false)
                    .serialize("predictions", TestEvents.sparse());
            assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
            assertEquals(TestEvents.sparse(), deserializer.deserialize("predictions", bytes));
        }
    }
}
