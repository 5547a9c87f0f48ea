package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeachersTest {
    private static final double[] A = {2, -1, 0, 0.5, 0, -3};
    private static final double B = 0.3;

    private static Oracle linear() {
        return z -> {
            double[] f = new double[z.n];
            for (int i = 0; i < z.n; i++) {
                f[i] = B + z.dot(i, A);
            }
            return f;
        };
    }

    private static Rows gaussianRows(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return Rows.dense(x, d);
    }

    private static Rows zeroMeanBackground(int half, int d, long seed) {
        Rows g = gaussianRows(half, d, seed);
        double[][] x = new double[2 * half][];
        for (int i = 0; i < half; i++) {
            x[2 * i] = g.denseRow(i);
            x[2 * i + 1] = Arrays.stream(g.denseRow(i)).map(v -> -v).toArray();
        }
        return Rows.dense(x, d);
    }

    private static double[] row(Rows r, int i) {
        return Arrays.copyOfRange(r.val, r.ptr[i], r.ptr[i + 1]);
    }

    @Test
    void occlusionAndKernelShapRecoverLinearContributions() {
        Rows x = gaussianRows(5, 6, 1);
        Rows bg = zeroMeanBackground(5, 6, 2);
        Teacher[] teachers = {
                new OcclusionTeacher(linear(), false, 1),
                new KernelShapTeacher(linear(), false, bg, 100, 1),
                new KernelShapTeacher(linear(), false, bg, 40, 2)};
        for (Teacher t : teachers) {
            Rows e = t.explain(x, 3);
            assertEquals(x.n, e.n);
            assertArrayEquals(x.ptr, e.ptr);
            assertArrayEquals(x.col, e.col);
            for (int i = 0; i < x.n; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(A[j] * x.get(i, j), e.get(i, j), 1e-6, t.name() + " row " + i + " col " + j);
                }
            }
        }
        assertEquals(7, teachers[0].queriesPerExplanation());
    }

    @Test
    void limeFindsSignsRankingAndDropsZeroCoefficients() {
        Rows x = gaussianRows(4, 6, 5);
        for (int k : new int[]{3, 4}) {
            Rows e = new LimeTeacher(linear(), false, 1000, 0, k, 2).explain(x, 7);
            for (int i = 0; i < x.n; i++) {
                double[] w = row(e, i);
                double[] slope = new double[6];
                for (int j = 0; j < 6; j++) {
                    slope[j] = w[j] / x.get(i, j);
                }
                assertEquals(0, w[2]);
                assertEquals(0, w[4]);
                assertTrue(slope[5] < slope[1] && slope[1] < 0 && slope[0] > 0, Arrays.toString(slope));
                assertTrue(Math.abs(slope[5]) > Math.abs(slope[0]) && Math.abs(slope[0]) > Math.abs(slope[1]));
                assertEquals(-3, slope[5], 0.05);
                assertEquals(2, slope[0], 0.05);
                assertEquals(-3 * x.get(i, 5), w[5], 0.05 * Math.abs(x.get(i, 5)), "contribution = slope x value");
                if (k == 3) {
                    assertEquals(0, w[3]);
                } else {
                    assertEquals(0.5, slope[3], 0.05);
                }
            }
        }
    }

    @Test
    void kernelShapIsEfficientOnANonLinearFunction() {
        Oracle f = z -> {
            double[] out = new double[z.n];
            for (int i = 0; i < z.n; i++) {
                double[] r = z.denseRow(i);
                out[i] = 0.2 + r[0] - 2 * r[3] + 1.5 * r[0] * r[1] + Math.sin(r[2]) * r[4] + r[5] * r[5] - r[6] * r[7];
            }
            return out;
        };
        Rows x = gaussianRows(6, 8, 11);
        Rows bg = gaussianRows(8, 8, 12);
        double mean = Arrays.stream(f.f(bg)).average().orElseThrow();
        double[] fx = f.f(x);
        for (int samples : new int[]{60, 300}) {
            Rows e = new KernelShapTeacher(f, false, bg, samples, 2).explain(x, 13);
            for (int i = 0; i < x.n; i++) {
                assertEquals(fx[i] - mean, Arrays.stream(row(e, i)).sum(), 1e-9);
            }
        }
        Oracle product = z -> {
            double[] out = new double[z.n];
            for (int i = 0; i < z.n; i++) {
                out[i] = z.get(i, 0) * z.get(i, 1);
            }
            return out;
        };
        Rows one = Rows.dense(new double[][]{{3, 2, 5}}, 3);
        Rows zero = Rows.dense(new double[][]{{0, 0, 0}}, 3);
        double[] phi = row(new KernelShapTeacher(product, false, zero, 50, 1).explain(one, 1), 0);
        assertArrayEquals(new double[]{3, 3, 0}, phi, 1e-6);
    }

    private static final int VOCAB = 50;

    private static Oracle words() {
        return z -> {
            double[] out = new double[z.n];
            for (int i = 0; i < z.n; i++) {
                double s = -0.5 + 3 * z.get(i, 7) + 0.5 * z.get(i, 3) - z.get(i, 11);
                out[i] = 1 / (1 + Math.exp(-s));
            }
            return out;
        };
    }

    private static Rows text(int vocab, int[][] docs) {
        Rows.Builder b = new Rows.Builder(vocab);
        for (int[] doc : docs) {
            double[] ones = new double[doc.length];
            Arrays.fill(ones, 1.0);
            b.add(doc, ones, doc.length);
        }
        return b.build();
    }

    @Test
    void textExplanationsKeepTheInputColumnsAndRankWords() {
        Rows x = text(VOCAB, new int[][]{{3, 7, 11, 20, 30, 41}, {7, 20}, {}, {2, 3, 7, 11, 13, 17, 19, 20, 23, 29, 31, 37}});
        Teacher[] teachers = {
                new LimeTeacher(words(), true, 2000, 0, 20, 2),
                new KernelShapTeacher(words(), true, null, 200, 2),
                new KernelShapTeacher(words(), true, null, 1000, 1),
                new OcclusionTeacher(words(), true, 2)};
        for (Teacher t : teachers) {
            Rows e = t.explain(x, 17);
            assertArrayEquals(x.ptr, e.ptr, t.name());
            assertArrayEquals(x.col, e.col, t.name());
            for (int i : t instanceof LimeTeacher ? new int[]{0, 3} : new int[]{0, 1, 3}) {
                double[] w = row(e, i);
                double top = Arrays.stream(w).max().orElseThrow();
                assertEquals(top, e.get(i, 7), t.name());
                assertEquals(0, e.get(i, 20), 0.03 * top, t.name() + " " + Arrays.toString(w));
                if (i != 1) {
                    assertTrue(e.get(i, 11) < 0 && e.get(i, 3) > 0, t.name() + " " + Arrays.toString(w));
                }
            }
        }
    }

    private static Rows wideText(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] docs = new int[n][];
        for (int i = 0; i < n; i++) {
            docs[i] = r.ints(0, 5000).distinct().limit(5 + r.nextInt(15)).sorted().toArray();
            docs[i][0] = 7;
            Arrays.sort(docs[i]);
            docs[i] = Arrays.stream(docs[i]).distinct().toArray();
        }
        return text(5000, docs);
    }

    @Test
    void deterministicAcrossThreadsAndSeedSensitive() {
        Rows x = wideText(20, 21);
        assertTrue(Batches.CHUNK_FLOATS / (200L * x.d) < x.n);
        Rows a1 = new LimeTeacher(words(), true, 200, 0, 5, 1).explain(x, 99);
        Rows a2 = new LimeTeacher(words(), true, 200, 0, 5, 2).explain(x, 99);
        Rows b = new LimeTeacher(words(), true, 200, 0, 5, 2).explain(x, 100);
        assertArrayEquals(a1.val, a2.val);
        assertFalse(Arrays.equals(a1.val, b.val));
        Rows s1 = new KernelShapTeacher(words(), true, null, 200, 1).explain(x, 99);
        Rows s2 = new KernelShapTeacher(words(), true, null, 200, 2).explain(x, 99);
        assertArrayEquals(s1.val, s2.val);
        Rows t = gaussianRows(30, 6, 4);
        Rows bg = gaussianRows(40, 6, 8);
        assertArrayEquals(new LimeTeacher(linear(), false, 300, 0, 3, 1).explain(t, 5).val,
                new LimeTeacher(linear(), false, 300, 0, 3, 2).explain(t, 5).val);
        assertFalse(Arrays.equals(new LimeTeacher(linear(), false, 300, 0, 6, 1).explain(t, 5).val,
                new LimeTeacher(linear(), false, 300, 0, 6, 1).explain(t, 6).val));
        assertArrayEquals(new KernelShapTeacher(linear(), false, bg, 30, 1).explain(t, 5).val,
                new KernelShapTeacher(linear(), false, bg, 30, 2).explain(t, 5).val);
    }

    @Test
    void badHyperparametersAreRejectedByName() {
        Oracle f = linear();
        Rows bg = gaussianRows(3, 6, 1);
        assertMessage("samples", () -> new LimeTeacher(f, false, 1, 0, 3, 1));
        assertMessage("maxFeatures", () -> new LimeTeacher(f, false, 100, 0, 0, 1));
        assertMessage("threads", () -> new LimeTeacher(f, false, 100, 0, 3, 0));
        assertMessage("samples", () -> new KernelShapTeacher(f, false, bg, 1, 1));
        assertMessage("background", () -> new KernelShapTeacher(f, false, null, 100, 1));
        assertMessage("threads", () -> new OcclusionTeacher(f, true, 0));
        assertMessage("samples", () -> Teachers.of("lime", f, false, bg, 0, 1));
        assertMessage("teacher", () -> Teachers.of("shapley", f, false, bg, 100, 1));
        assertEquals("kernelshap", Teachers.of("KernelSHAP", f, false, bg, 100, 1).name());
        assertEquals("lime", Teachers.of("lime", f, true, null, 100, 1).name());
        assertEquals("occlusion", Teachers.of("occlusion", f, true, null, 100, 1).name());
    }

    private static void assertMessage(String word, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }
}
