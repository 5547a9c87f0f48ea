package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * LIME (Ribeiro et al., 2016) on scaled rows. Per instance x: {@code samples} perturbations, the first being x
 * itself. Tabular: z = x + N(0, I) in z-space (LIME's sample_around_instance with unit scale), interpretable
 * features are the z-values, distance is Euclidean, default kernel width 0.75·sqrt(d). Text: a uniform number
 * 1..M of the M present words is removed, chosen uniformly; interpretable features are the binary presences of
 * the present words, distance is 100 × cosine distance, default width 25. Kernel weight sqrt(exp(-D²/width²)).
 * Up to {@code maxFeatures} features are chosen by weighted forward selection (each step adds the feature that
 * most lowers the weighted squared error of an unregularised fit with intercept), then a weighted ridge
 * (alpha = 1, unpenalised intercept) on them gives the slopes; unselected features get 0. The output is each
 * feature's contribution at x, slope × value (relative to the training mean for tabular rows, whose z-value is the
 * distance from it; for text the value is 1, so contribution = slope): for tabular rows every column, for text rows
 * exactly the present words.
 */
public final class LimeTeacher implements Teacher {
    private final Oracle oracle;
    private final boolean text;
    private final int samples;
    private final double kernelWidth;
    private final int maxFeatures;
    private final int threads;

    /** kernelWidth ≤ 0 selects LIME's default; samples ≥ 2, maxFeatures ≥ 1, threads ≥ 1. */
    public LimeTeacher(Oracle oracle, boolean text, int samples, double kernelWidth, int maxFeatures, int threads) {
        if (oracle == null) {
            throw new IllegalArgumentException("oracle must not be null");
        }
        if (Double.isNaN(kernelWidth) || Double.isInfinite(kernelWidth)) {
            throw new IllegalArgumentException("kernelWidth must be finite, got " + kernelWidth);
        }
        this.oracle = oracle;
        this.text = text;
        this.samples = Batches.positive("samples", samples, 2);
        this.kernelWidth = kernelWidth;
        this.maxFeatures = Batches.positive("maxFeatures", maxFeatures, 1);
        this.threads = Batches.positive("threads", threads, 1);
    }

    @Override
    public String name() {
        return "lime";
    }

    @Override
    public int queriesPerExplanation() {
        return samples;
    }

    @Override
    public Rows explain(Rows x, long seed) {
        double width = kernelWidth > 0 ? kernelWidth : text ? 25 : 0.75 * Math.sqrt(x.d);
        double[][] w = Batches.run(x, seed, threads, samples, oracle,
                (i, rnd) -> text ? textPlan(x, i, rnd, width) : tabularPlan(x, i, rnd, width));
        return Batches.assemble(x, text, w);
    }

    private Batches.Plan tabularPlan(Rows x, int i, SplittableRandom rnd, double width) {
        int d = x.d;
        double[] xi = x.denseRow(i);
        double[] z = new double[samples * d];
        double[] w = new double[samples];
        for (int k = 0; k < samples; k++) {
            double dist2 = 0;
            for (int j = 0; j < d; j++) {
                double e = k == 0 ? 0 : rnd.nextGaussian();
                z[k * d + j] = xi[j] + e;
                dist2 += e * e;
            }
            w[k] = Math.exp(-dist2 / (2 * width * width));
        }
        int[] cols = Batches.identity(d);
        return new Batches.Plan() {
            @Override
            public void emit(Rows.Builder b) {
                double[] row = new double[d];
                for (int k = 0; k < samples; k++) {
                    System.arraycopy(z, k * d, row, 0, d);
                    b.add(cols, row, d);
                }
            }

            @Override
            public int rows() {
                return samples;
            }

            @Override
            public double[] fit(double[] f, int from) {
                double[] slope = weights(z, d, f, from, w);
                for (int j = 0; j < d; j++) {
                    slope[j] = slope[j] == 0 ? 0 : slope[j] * xi[j];
                }
                return slope;
            }
        };
    }

    private Batches.Plan textPlan(Rows x, int i, SplittableRandom rnd, double width) {
        int m = x.nnz(i);
        int p0 = x.ptr[i];
        int n = m == 0 ? 0 : samples;
        double[] z = new double[n * m];
        double[] w = new double[n];
        int[] perm = Batches.identity(m);
        for (int k = 0; k < n; k++) {
            Arrays.fill(z, k * m, (k + 1) * m, 1.0);
            int remove = k == 0 ? 0 : 1 + rnd.nextInt(m);
            Batches.subset(perm, m, remove, rnd);
            for (int q = 0; q < remove; q++) {
                z[k * m + perm[q]] = 0;
            }
            int kept = m - remove;
            double dist = kept == 0 ? 100 : 100 * (1 - Math.sqrt((double) kept / m));
            w[k] = Math.exp(-dist * dist / (2 * width * width));
        }
        return new Batches.Plan() {
            @Override
            public void emit(Rows.Builder b) {
                int[] cols = new int[m];
                double[] vals = new double[m];
                for (int k = 0; k < n; k++) {
                    int len = 0;
                    for (int q = 0; q < m; q++) {
                        if (z[k * m + q] != 0) {
                            cols[len] = x.col[p0 + q];
                            vals[len++] = x.val[p0 + q];
                        }
                    }
                    b.add(cols, vals, len);
                }
            }

            @Override
            public int rows() {
                return n;
            }

            @Override
            public double[] fit(double[] f, int from) {
                return m == 0 ? new double[0] : weights(z, m, f, from, w);
            }
        };
    }

    private double[] weights(double[] z, int m, double[] f, int from, double[] w) {
        LeastSquares g = LeastSquares.centred(z, w.length, m, f, from, w);
        int k = Math.min(maxFeatures, m);
        int[] sel = k == m ? Batches.identity(m) : g.forward(k);
        double[] beta = g.solve(sel, k, 1.0, null);
        double[] out = new double[m];
        for (int s = 0; s < k; s++) {
            out[sel[s]] = beta[s];
        }
        return out;
    }
}
