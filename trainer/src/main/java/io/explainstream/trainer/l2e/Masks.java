package io.explainstream.trainer.l2e;

import io.explainstream.explain.Label;
import io.explainstream.explain.Labels;
import io.explainstream.trainer.data.Rows;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Row-wise operations on explanations stored entry by entry alongside a CSR matrix of instances: labels per present
 * feature, the predicted-output sign flip, and masking (a masked feature is dropped from the row, which is the
 * training mean in z-space for tabular data and a removed word for text).
 */
public final class Masks {
    private Masks() {
    }

    /** The paper's per-instance labels of each row's weights, aligned with the row's entries. */
    public static Label[] labels(Rows weights) {
        Label[] out = new Label[weights.val.length];
        for (int i = 0; i < weights.n; i++) {
            int from = weights.ptr[i];
            int len = weights.nnz(i);
            double[] w = new double[len];
            System.arraycopy(weights.val, from, w, 0, len);
            Label[] l = Labels.of(w);
            System.arraycopy(l, 0, out, from, len);
        }
        return out;
    }

    /** Weights multiplied row by row by {@code sign[i]} (±1): attributions of the predicted output. */
    public static Rows signed(Rows weights, double[] sign) {
        double[] v = weights.val.clone();
        for (int i = 0; i < weights.n; i++) {
            for (int p = weights.ptr[i]; p < weights.ptr[i + 1]; p++) {
                v[p] *= sign[i];
            }
        }
        return new Rows(weights.d, weights.ptr, weights.col, v);
    }

    /** The rows of x keeping only the entries p for which {@code keep.test(p)} holds. */
    public static Rows keep(Rows x, IntPredicate keep) {
        Rows.Builder b = new Rows.Builder(x.d);
        int[] c = new int[x.d];
        double[] v = new double[x.d];
        for (int i = 0; i < x.n; i++) {
            int len = 0;
            for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                if (keep.test(p)) {
                    c[len] = x.col[p];
                    v[len++] = x.val[p];
                }
            }
            b.add(c, v, len);
        }
        return b.build();
    }

    /** Drops, in each row, as many random entries as {@code like} drops from it (a random explanation's mask). */
    public static Rows randomLike(Rows x, Rows like, long seed) {
        boolean[] drop = new boolean[x.val.length];
        for (int i = 0; i < x.n; i++) {
            int nnz = x.nnz(i);
            int k = nnz - like.nnz(i);
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            int[] perm = new int[nnz];
            for (int q = 0; q < nnz; q++) {
                perm[q] = q;
            }
            for (int q = 0; q < k; q++) {
                int j = q + r.nextInt(nnz - q);
                int t = perm[q];
                perm[q] = perm[j];
                perm[j] = t;
                drop[x.ptr[i] + perm[q]] = true;
            }
        }
        return keep(x, p -> !drop[p]);
    }
}
