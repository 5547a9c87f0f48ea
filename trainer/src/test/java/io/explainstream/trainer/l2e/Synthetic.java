package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;
import java.util.Random;

/** Synthetic data with a rule-following teacher: w_j = a_j · x_j for fixed a, f = sigmoid(Σ_j w_j). */
final class Synthetic {
    final Rows x;
    final double[] y;
    final Rows w;

    private Synthetic(Rows x, double[] y, Rows w) {
        this.x = x;
        this.y = y;
        this.w = w;
    }

    /** Fixed coefficients: alternating signs, magnitudes spread over (0, 2]. */
    static double[] coefficients(int d, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[d];
        for (int j = 0; j < d; j++) {
            a[j] = (j % 2 == 0 ? 1 : -1) * (0.05 + 1.95 * rng.nextDouble());
        }
        return a;
    }

    /** Dense z-scored rows, x ~ N(0, 1). */
    static Synthetic tabular(int n, int d, long seed) {
        double[] a = coefficients(d, 7);
        Random rng = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return of(Rows.dense(x, d), a);
    }

    /** Bag-of-words rows: 8 to 24 distinct words of d, value 1. */
    static Synthetic text(int n, int d, long seed) {
        double[] a = coefficients(d, 11);
        Random rng = new Random(seed);
        Rows.Builder b = new Rows.Builder(d);
        int[] cols = new int[24];
        double[] ones = new double[24];
        Arrays.fill(ones, 1.0);
        for (int i = 0; i < n; i++) {
            int k = 8 + rng.nextInt(17);
            int m = 0;
            while (m < k) {
                int c = rng.nextInt(d);
                boolean dup = false;
                for (int t = 0; t < m; t++) {
                    dup |= cols[t] == c;
                }
                if (!dup) {
                    cols[m++] = c;
                }
            }
            Arrays.sort(cols, 0, k);
            b.add(cols, ones, k);
        }
        return of(b.build(), a);
    }

    private static Synthetic of(Rows x, double[] a) {
        double[] wv = new double[x.val.length];
        double[] y = new double[x.n];
        for (int i = 0; i < x.n; i++) {
            double s = 0;
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                wv[k] = a[x.col[k]] * x.val[k];
                s += wv[k];
            }
            y[i] = 1 / (1 + Math.exp(-s));
        }
        return new Synthetic(x, y, new Rows(x.d, x.ptr, x.col, wv));
    }

    /** Rows and predictions with all-zero teacher weights (for inference-only checks). */
    static Synthetic unexplained(Rows x, double[] y) {
        return new Synthetic(x, y, new Rows(x.d, x.ptr, x.col, new double[x.val.length]));
    }

    Synthetic rows(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return new Synthetic(x.select(idx), Arrays.copyOfRange(y, from, to), w.select(idx));
    }

    /** The same rows with the teacher weights of the predicted class (multiplied by -1 where y &lt; 0.5). */
    Synthetic ofPredictedClass() {
        double[] sign = new double[x.n];
        for (int i = 0; i < x.n; i++) {
            sign[i] = y[i] < 0.5 ? -1 : 1;
        }
        return new Synthetic(x, y, Masks.signed(w, sign));
    }
}
