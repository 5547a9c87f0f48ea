package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SparseRegressionTest {
    @Test
    void lassoPathFindsTheTrueWordsOfAWideSparseProblem() {
        int d = 400;
        int n = 3000;
        int[] truth = {3, 50, 120, 250, 399};
        double[] weight = {2, -1.5, 1, -0.8, 0.6};
        SplittableRandom r = new SplittableRandom(9);
        Rows.Builder b = new Rows.Builder(d);
        double[] f = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            java.util.TreeSet<Integer> words = new java.util.TreeSet<>();
            while (words.size() < 20) {
                words.add(r.nextInt(d));
            }
            int[] cols = words.stream().mapToInt(Integer::intValue).toArray();
            double[] vals = new double[cols.length];
            java.util.Arrays.fill(vals, 1);
            b.add(cols, vals, cols.length);
            f[i] = 0.5 + 0.05 * Neighbourhoods.gaussian(r);
            for (int t = 0; t < truth.length; t++) {
                f[i] += words.contains(truth[t]) ? weight[t] : 0;
            }
            w[i] = i % 3 == 0 ? 0 : 1; // a third of the rows are left out
        }
        Rows z = b.build();
        assertArrayEquals(truth, SparseRegression.lassoSupport(z, f, w, 5));
        Linear g = SparseRegression.fit(z, f, w, 5, SparseRegression.Method.BEST);
        assertArrayEquals(truth, g.idx());
        for (int t = 0; t < truth.length; t++) {
            assertEquals(weight[t], g.w()[t], 0.02);
        }
        assertEquals(0.5, g.b(), 0.02);
    }
}
