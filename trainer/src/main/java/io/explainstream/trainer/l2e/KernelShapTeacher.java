package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Kernel SHAP (Lundberg and Lee, 2017) over the instance's M features (tabular: all d columns; text: the present
 * words). A coalition keeps x on its features; the others take the background's values (tabular: f is averaged
 * over a fixed sample of at most {@value #BACKGROUND} background rows, taken at even strides) or are removed
 * (text; no background needed). When all 2^M − 2 proper coalitions fit into {@code samples} − 2 they are all
 * used with their exact Shapley kernel weights (the result is then the exact Shapley value); otherwise
 * {@code samples} − 2 coalitions are drawn by the kernel (size s with probability ∝ 1/(s(M−s)), then a uniform
 * subset of that size, paired with its complement) with equal weights. The empty and full coalitions are exact
 * constraints: φ0 = E[f(background)] and Σφ = f(x) − φ0, the last feature's φ eliminated as in the SHAP
 * reference algorithm before the weighted least-squares fit. The output row holds φ in x's structure.
 */
public final class KernelShapTeacher implements Teacher {
    static final int BACKGROUND = 10;

    private final Oracle oracle;
    private final boolean text;
    private final double[][] background;
    private final int samples;
    private final int threads;

    /** background: training rows (required for tabular, ignored for text); samples ≥ 2; threads ≥ 1. */
    public KernelShapTeacher(Oracle oracle, boolean text, Rows background, int samples, int threads) {
        if (oracle == null) {
            throw new IllegalArgumentException("oracle must not be null");
        }
        if (!text && (background == null || background.n == 0)) {
            throw new IllegalArgumentException("background must hold at least one row for tabular data");
        }
        this.oracle = oracle;
        this.text = text;
        this.samples = Batches.positive("samples", samples, 2);
        this.threads = Batches.positive("threads", threads, 1);
        if (text) {
            this.background = new double[0][];
        } else {
            int b = Math.min(BACKGROUND, background.n);
            this.background = new double[b][];
            for (int r = 0; r < b; r++) {
                this.background[r] = background.denseRow((int) ((long) r * background.n / b));
            }
        }
    }

    @Override
    public String name() {
        return "kernelshap";
    }

    /** At most: the full coalition plus samples − 2 coalitions, each against every background row. */
    @Override
    public int queriesPerExplanation() {
        return 1 + (samples - 2) * Math.max(1, background.length);
    }

    @Override
    public Rows explain(Rows x, long seed) {
        if (!text && background[0].length != x.d) {
            throw new IllegalArgumentException("background has " + background[0].length + " columns, x has " + x.d);
        }
        double base = base(x.d);
        double[][] phi = Batches.run(x, seed, threads, queriesPerExplanation(), oracle,
                (i, rnd) -> plan(x, i, rnd, base));
        return Batches.assemble(x, text, phi);
    }

    private double base(int d) {
        if (text) {
            return Batches.evaluate(oracle, new Rows(d, new int[2], new int[0], new double[0]))[0];
        }
        double[] f = Batches.evaluate(oracle, Rows.dense(background, d));
        double s = 0;
        for (double v : f) {
            s += v;
        }
        return s / f.length;
    }

    private Batches.Plan plan(Rows x, int i, SplittableRandom rnd, double base) {
        int m = text ? x.nnz(i) : x.d;
        int[] cols = text ? Batches.words(x, i) : Batches.identity(x.d);
        double[] xv = text ? Arrays.copyOfRange(x.val, x.ptr[i], x.ptr[i + 1]) : x.denseRow(i);
        int per = text ? 1 : background.length;
        boolean[] on;
        double[] weight;
        int budget = samples - 2;
        if (m <= 1) {
            on = new boolean[0];
            weight = new double[0];
        } else if (m < 31 && (1 << m) - 2 <= budget) {
            int n = (1 << m) - 2;
            on = new boolean[n * m];
            weight = new double[n];
            for (int c = 1; c <= n; c++) {
                int s = Integer.bitCount(c);
                for (int j = 0; j < m; j++) {
                    on[(c - 1) * m + j] = (c >>> j & 1) != 0;
                }
                weight[c - 1] = (m - 1) / (binomial(m, s) * s * (m - s));
            }
        } else {
            on = new boolean[budget * m];
            weight = new double[budget];
            Arrays.fill(weight, 1.0);
            double[] cdf = new double[m];
            for (int s = 1; s < m; s++) {
                cdf[s] = cdf[s - 1] + 1.0 / (s * (double) (m - s));
            }
            int[] perm = Batches.identity(m);
            for (int k = 0; k < budget; k++) {
                if (k % 2 == 1) {
                    for (int j = 0; j < m; j++) {
                        on[k * m + j] = !on[(k - 1) * m + j];
                    }
                    continue;
                }
                double u = rnd.nextDouble() * cdf[m - 1];
                int s = 1;
                while (s < m - 1 && cdf[s] <= u) {
                    s++;
                }
                Batches.subset(perm, m, s, rnd);
                for (int q = 0; q < s; q++) {
                    on[k * m + perm[q]] = true;
                }
            }
        }
        int coalitions = weight.length;
        return new Batches.Plan() {
            @Override
            public void emit(Rows.Builder b) {
                int[] c = new int[m];
                double[] v = new double[m];
                b.add(cols, xv, m);
                for (int k = 0; k < coalitions; k++) {
                    if (text) {
                        int len = 0;
                        for (int j = 0; j < m; j++) {
                            if (on[k * m + j]) {
                                c[len] = cols[j];
                                v[len++] = xv[j];
                            }
                        }
                        b.add(c, v, len);
                    } else {
                        for (double[] bg : background) {
                            for (int j = 0; j < m; j++) {
                                v[j] = on[k * m + j] ? xv[j] : bg[j];
                            }
                            b.add(cols, v, m);
                        }
                    }
                }
            }

            @Override
            public int rows() {
                return 1 + coalitions * per;
            }

            @Override
            public double[] fit(double[] f, int from) {
                double total = f[from] - base;
                double[] phi = new double[m];
                if (m == 1) {
                    phi[0] = total;
                }
                if (m <= 1) {
                    return phi;
                }
                int last = m - 1;
                LeastSquares g = LeastSquares.plain(last);
                double[] row = new double[last];
                for (int k = 0; k < coalitions; k++) {
                    double value = 0;
                    for (int r = 0; r < per; r++) {
                        value += f[from + 1 + k * per + r];
                    }
                    value /= per;
                    double zl = on[k * m + last] ? 1 : 0;
                    for (int j = 0; j < last; j++) {
                        row[j] = (on[k * m + j] ? 1 : 0) - zl;
                    }
                    g.accumulate(row, value - base - zl * total, weight[k]);
                }
                g.symmetrise();
                double[] beta = g.solve(Batches.identity(last), last, 0, null);
                double rest = total;
                for (int j = 0; j < last; j++) {
                    phi[j] = beta[j];
                    rest -= beta[j];
                }
                phi[last] = rest;
                return phi;
            }
        };
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 0; i < k; i++) {
            r = r * (n - i) / (i + 1);
        }
        return r;
    }
}
