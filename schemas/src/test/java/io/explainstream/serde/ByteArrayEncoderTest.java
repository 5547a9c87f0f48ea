package io.explainstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.Encoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ByteArrayEncoderTest {
    private static final String[] STRINGS = {"", "a", "plain ascii", "ünïcödé", "✓ check", "\u0000nul",
            "😀 astral", "x".repeat(300)};

    @Test
    void shouldWriteWhatAvrosBinaryEncoderWrites() throws IOException {
        Random random = new Random(11);
        ByteArrayEncoder mine = new ByteArrayEncoder(16);
        ByteArrayOutputStream theirsOut = new ByteArrayOutputStream();
        BinaryEncoder theirs = EncoderFactory.get().binaryEncoder(theirsOut, null);
        for (int i = 0; i < 2000; i++) {
            write(mine, random, i);
        }
        random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            write(theirs, random, i);
        }
        theirs.flush();
        assertArrayEquals(theirsOut.toByteArray(), mine.toByteArray());
    }

    @Test
    void shouldStartAfreshAfterReset() {
        ByteArrayEncoder e = new ByteArrayEncoder(16);
        e.writeString("something long enough to grow the buffer past sixteen bytes");
        e.reset();
        e.writeWireHeader(0x01020304);
        e.writeInt(-1);
        assertArrayEquals(new byte[]{0, 1, 2, 3, 4, 1}, e.toByteArray());
    }

    private static void write(Encoder e, Random r, int i) throws IOException {
        switch (i % 9) {
            case 0 -> e.writeInt(r.nextInt());
            case 1 -> e.writeLong(i % 2 == 0 ? r.nextLong() : (i % 4 == 1 ? Long.MIN_VALUE : Long.MAX_VALUE));
            case 2 -> e.writeDouble(i % 5 == 0 ? Double.NaN : r.nextGaussian() * 1e6);
            case 3 -> e.writeFloat((float) r.nextGaussian());
            case 4 -> e.writeString(STRINGS[r.nextInt(STRINGS.length)]);
            case 5 -> e.writeBoolean(r.nextBoolean());
            case 6 -> {
                e.writeArrayStart();
                int n = r.nextInt(3);
                e.setItemCount(n);
                for (int k = 0; k < n; k++) {
                    e.startItem();
                    e.writeIndex(r.nextInt(2));
                    e.writeEnum(r.nextInt(5));
                }
                e.writeArrayEnd();
            }
            case 7 -> {
                e.writeMapStart();
                e.setItemCount(1);
                e.startItem();
                e.writeString("k");
                e.writeNull();
                e.writeMapEnd();
            }
            default -> e.writeBytes(new byte[]{(byte) i, 2, 3}, 0, 1 + r.nextInt(3));
        }
    }
}
