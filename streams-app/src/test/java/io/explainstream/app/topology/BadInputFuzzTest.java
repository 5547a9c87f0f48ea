package io.explainstream.app.topology;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.validation.InvalidReason;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random bytes, random mutations of valid events and structurally hostile events go through the decode and
 * validation stages: no exception escapes, and every record comes out exactly once, explained or dead-lettered with
 * a known reason.
 */
class BadInputFuzzTest {
    @TempDir
    Path dir;

    @Test
    void shouldAccountForEveryRandomOrMutatedRecordExactlyOnce() {
        Random r = new Random(99);
        try (Harness h = new Harness(TestBundles.write(TestBundles.tabular(null), dir))) {
            int schemaId = ByteBuffer.wrap(h.encode(Events.dense("x", TestBundles.MODEL_ID, new float[]{3, 4, 3, 4}, 1)),
                    1, 4).getInt();
            int n = 5000;
            for (int i = 0; i < n; i++) {
                h.input.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), record(h, r, i, schemaId));
            }
            List<TestRecord<byte[], ExplainedEvent>> out = h.output.readRecordsToList();
            List<TestRecord<byte[], byte[]>> dlq = h.dlq.readRecordsToList();
            Map<String, Integer> seen = new HashMap<>();
            Stream.concat(out.stream().map(TestRecord::key), dlq.stream().map(TestRecord::key))
                    .forEach(k -> seen.merge(new String(k, StandardCharsets.UTF_8), 1, Integer::sum));
            assertEquals(n, seen.size(), "every record came out");
            assertTrue(seen.values().stream().allMatch(c -> c == 1), "none came out twice");
            Set<String> reasons = Stream.of(InvalidReason.values()).map(Enum::name).collect(Collectors.toSet());
            for (TestRecord<byte[], byte[]> d : dlq) {
                assertTrue(reasons.contains(DeadLetters.header(d.headers(), DeadLetters.REASON)));
            }
            assertTrue(out.size() > 100 && dlq.size() > 1000, out.size() + " explained, " + dlq.size() + " DLQ");
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldDeadLetterRecordsThatClaimHugeSizesAsTooLargeBeforeAllocating() throws java.io.IOException {
        try (Harness h = new Harness(TestBundles.write(TestBundles.tabular(null), dir))) {
            byte[] valid = h.encode(Events.dense("x", TestBundles.MODEL_ID, new float[]{3, 4, 3, 4}, 1));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(valid, 0, 5);
            org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            enc.writeString("huge");
            enc.writeString(TestBundles.MODEL_ID);
            enc.writeString("v1");
            enc.writeLong(0);
            enc.writeIndex(0);
            enc.writeLong(1_500_000_000L);
            enc.writeFloat(1f);
            enc.flush();
            h.input.pipeInput("huge".getBytes(StandardCharsets.UTF_8), out.toByteArray());

            TestRecord<byte[], byte[]> d = h.dlq.readRecord();
            assertEquals(InvalidReason.TOO_LARGE.name(), DeadLetters.header(d.headers(), DeadLetters.REASON));
            assertTrue(DeadLetters.header(d.headers(), DeadLetters.MESSAGE).contains("claims 1500000000 items"));
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    private static byte[] record(Harness h, Random r, int i, int schemaId) {
        switch (i % 5) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(80)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> {
                byte[] b = new byte[5 + r.nextInt(60)];
                r.nextBytes(b);
                ByteBuffer.wrap(b).put((byte) 0).putInt(schemaId);
                return b;
            }
            case 2, 3 -> {
                byte[] b = h.encode(Events.dense("e" + i, TestBundles.MODEL_ID, randomVector(r), 10 + r.nextGaussian()));
                for (int f = 0; f < 1 + r.nextInt(3); f++) {
                    b[5 + r.nextInt(b.length - 5)] = (byte) r.nextInt(256);
                }
                return b;
            }
            default -> {
                int size = r.nextBoolean() ? 4 : r.nextInt(8);
                int nnz = r.nextInt(6);
                int[] idx = new int[nnz];
                float[] val = new float[nnz];
                for (int j = 0; j < nnz; j++) {
                    idx[j] = r.nextInt(7) - 1;
                    val[j] = r.nextInt(10) == 0 ? Float.NaN : (float) r.nextGaussian();
                }
                return h.encode(Events.sparse("s" + i, TestBundles.MODEL_ID, size, idx, val, r.nextGaussian()));
            }
        }
    }

    private static float[] randomVector(Random r) {
        float[] v = new float[4];
        for (int j = 0; j < 4; j++) {
            v[j] = (float) (TestBundles.CENTER[j] + r.nextGaussian() * TestBundles.SCALE[j]);
        }
        return v;
    }
}
