package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;

/**
 * Occlusion (Zeiler and Fergus, 2014): weight_j = f(x) − f(x with feature j occluded), where occluding sets a
 * tabular feature to 0 (its training mean in z-space) and removes a word from a text row. Deterministic (the
 * seed is unused); M + 1 queries per instance with M = d (tabular) or the number of present words (text).
 */
public final class OcclusionTeacher implements Teacher {
    private final Oracle oracle;
    private final boolean text;
    private final int threads;
    private volatile int lastQueries;

    public OcclusionTeacher(Oracle oracle, boolean text, int threads) {
        if (oracle == null) {
            throw new IllegalArgumentException("oracle must not be null");
        }
        this.oracle = oracle;
        this.text = text;
        this.threads = Batches.positive("threads", threads, 1);
    }

    @Override
    public String name() {
        return "occlusion";
    }

    /** M + 1, averaged (rounded up) over the rows of the latest {@link #explain} call; 0 before any call. */
    @Override
    public int queriesPerExplanation() {
        return lastQueries;
    }

    @Override
    public Rows explain(Rows x, long seed) {
        long total = text ? (long) x.ptr[x.n] + x.n : (long) x.n * (x.d + 1);
        long mean = x.n == 0 ? 0 : (total + x.n - 1) / x.n;
        double[][] w = Batches.run(x, seed, threads, Math.max(1, mean), oracle, (i, rnd) -> plan(x, i));
        lastQueries = (int) mean;
        return Batches.assemble(x, text, w);
    }

    private Batches.Plan plan(Rows x, int i) {
        int m = text ? x.nnz(i) : x.d;
        int[] cols = text ? Batches.words(x, i) : Batches.identity(x.d);
        double[] xv = text ? Arrays.copyOfRange(x.val, x.ptr[i], x.ptr[i + 1]) : x.denseRow(i);
        return new Batches.Plan() {
            @Override
            public void emit(Rows.Builder b) {
                b.add(cols, xv, m);
                int[] c = new int[m];
                double[] v = new double[m];
                for (int j = 0; j < m; j++) {
                    if (text) {
                        System.arraycopy(cols, 0, c, 0, j);
                        System.arraycopy(cols, j + 1, c, j, m - j - 1);
                        System.arraycopy(xv, 0, v, 0, j);
                        System.arraycopy(xv, j + 1, v, j, m - j - 1);
                        b.add(c, v, m - 1);
                    } else {
                        System.arraycopy(xv, 0, v, 0, m);
                        v[j] = 0;
                        b.add(cols, v, m);
                    }
                }
            }

            @Override
            public int rows() {
                return m + 1;
            }

            @Override
            public double[] fit(double[] f, int from) {
                double[] w = new double[m];
                for (int j = 0; j < m; j++) {
                    w[j] = f[from] - f[from + 1 + j];
                }
                return w;
            }
        };
    }
}
