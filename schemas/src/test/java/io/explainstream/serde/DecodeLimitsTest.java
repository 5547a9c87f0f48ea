package io.explainstream.serde;

import io.explainstream.schema.PredictionEvent;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Records that claim more than they carry are refused before anything is allocated for them. */
class DecodeLimitsTest {
    private static final String TOPIC = "predictions";
    private final ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.inMemory();
    private final AvroSerde<PredictionEvent> serde = new AvroSerde<>(PredictionEvent.class, registry, true, false,
            new DecodeLimits(4096, 1000, 256));
    private final int id = registry.register(AvroSerde.subject(TOPIC, false), PredictionEvent.getClassSchema());

    @Test
    void shouldRefuseAnArrayThatClaimsMoreItemsThanTheLimit() throws IOException {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serde.deserializer().deserialize(TOPIC, forged("e", 1L << 30)));
        assertEquals(DecodeException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("PredictionEvent.features.values claims 1073741824 items, over the limit of 1000"),
                e.getMessage());
    }

    @Test
    void shouldRefuseAnArrayThatClaimsMoreItemsThanItsBytes() throws IOException {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serde.deserializer().deserialize(TOPIC, forged("e", 900)));
        assertEquals(DecodeException.Kind.MALFORMED_AVRO, e.kind());
        assertTrue(e.getMessage().contains("claims 900 items but only"), e.getMessage());
    }

    @Test
    void shouldRefuseAHugeString() throws IOException {
        DecodeException e = assertThrows(DecodeException.class,
                () -> serde.deserializer().deserialize(TOPIC, forged("x".repeat(300), 2)));
        assertEquals(DecodeException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("PredictionEvent.eventId claims 300 bytes, over the limit of 256"),
                e.getMessage());
    }

    @Test
    void shouldRefuseARecordOverTheByteLimit() {
        byte[] big = new byte[5000];
        DecodeException e = assertThrows(DecodeException.class, () -> serde.deserializer().deserialize(TOPIC, big));
        assertEquals(DecodeException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void shouldStillReadValidRecords() {
        PredictionEvent event = TestEvents.dense();
        assertEquals(event, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event)));
    }

    @Test
    void shouldLetOnlyDecodeExceptionsEscapeFromRandomAndMutatedRecords() {
        Random r = new Random(2024);
        byte[] valid = serde.serializer().serialize(TOPIC, TestEvents.dense());
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = new byte[r.nextInt(64)];
                r.nextBytes(b);
                if (b.length >= 5 && r.nextBoolean()) {
                    System.arraycopy(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array(), 0, b, 0, 5);
                }
            } else {
                b = valid.clone();
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int at = 5 + r.nextInt(b.length - 5);
                    b[at] = (byte) r.nextInt(256);
                }
                if (r.nextInt(5) == 0) {
                    b = java.util.Arrays.copyOf(b, 5 + r.nextInt(b.length - 5));
                }
            }
            try {
                serde.deserializer().deserialize(TOPIC, b);
                decoded++;
            } catch (DecodeException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            } catch (RuntimeException | Error other) {
                fail("record " + i + " escaped with " + other, other);
            }
        }
        assertTrue(decoded > 0, "some mutations still decode (e.g. a changed float)");
    }

    /** A PredictionEvent body whose dense array claims {@code items} floats but carries only 2. */
    private byte[] forged(String eventId, long items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        enc.writeString(eventId);
        enc.writeString("m");
        enc.writeString("v1");
        enc.writeLong(1_700_000_000_000L);
        enc.writeIndex(0);
        enc.writeLong(items);
        enc.writeFloat(1f);
        enc.writeFloat(2f);
        enc.flush();
        return out.toByteArray();
    }
}
