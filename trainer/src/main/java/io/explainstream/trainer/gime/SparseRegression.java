package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;

/**
 * Weighted sparse linear regression with an intercept and at most s features.
 * <ul>
 * <li>{@code BEST}: exact best subset (all C(d, s) subsets, from the normal equations) when that is at most
 * {@link #EXHAUSTIVE_LIMIT} subsets; otherwise forward selection refined by swaps; for wide data (text, more than
 * {@link #WIDE} features) the support of a weighted LASSO path ({@link #lassoSupport}), then weighted least squares
 * on it (optionally shrunk toward the pooled fit, see {@link #fit(Rows, double[], double[], int, Method, double[],
 * double)}).</li>
 * <li>{@code RIDGE}: the authors' procedure: ridge (alpha = 1) picks the top-s features by |weight|, then weighted
 * least squares with intercept on them (wide data: among the 150 columns most correlated with f).</li>
 * </ul>
 */
public final class SparseRegression {
    public enum Method { BEST, RIDGE }

    static final int EXHAUSTIVE_LIMIT = 5000;
    static final int WIDE = 256;

    private SparseRegression() {
    }

    /** Fits rows [0, z.n) with weights w (null: 1). */
    public static Linear fit(Rows z, double[] f, double[] w, int s, Method method) {
        return fit(z, f, w, s, method, null, 0);
    }

    /**
     * As {@link #fit(Rows, double[], double[], int, Method)}; for wide data with {@code shrink > 0} the weights on
     * the chosen support are shrunk toward the pooled fit on the same support (weighted least squares of all rows
     * with weights {@code pooledW}, null: 1): the normal equations get {@code shrink}·(β − β_pooled)² added, so a
     * small group borrows strength from all the data (intercept not shrunk).
     */
    public static Linear fit(Rows z, double[] f, double[] w, int s, Method method, double[] pooledW, double shrink) {
        if (z.d <= WIDE) {
            Gram g = new Gram(allCols(z.d));
            g.add(z, f, w, 0, z.n, 1.0, null);
            return fromGram(g, s, method);
        }
        int[] cand = method == Method.RIDGE ? screen(z, f, w, Math.min(z.d, Math.max(3 * s, 150)))
                : lassoSupport(z, f, w, s);
        if (cand.length == 0) {
            return Linear.constant(weightedMean(f, w));
        }
        int[] position = new int[z.d];
        Arrays.fill(position, -1);
        for (int i = 0; i < cand.length; i++) {
            position[cand[i]] = i;
        }
        Gram g = new Gram(cand);
        g.add(z, f, w, 0, z.n, 1.0, position);
        if (method == Method.RIDGE) {
            return fromGram(g, s, Method.RIDGE);
        }
        int[] chosen = allCols(cand.length);
        if (shrink > 0) {
            Gram pooled = new Gram(cand);
            pooled.add(z, f, pooledW, 0, z.n, 1.0, position);
            double[] b0 = pooled.solve(chosen, chosen.length, 0, null);
            for (int q = 0; q < cand.length; q++) {
                g.a[q * g.p + q] += shrink;
                g.c[q] += shrink * b0[q];
            }
        }
        return toLinear(g, chosen, g.solve(chosen, chosen.length, 0, null));
    }

    private static double weightedMean(double[] f, double[] w) {
        double sw = 0;
        double sf = 0;
        for (int r = 0; r < f.length; r++) {
            double wr = w == null ? 1 : w[r];
            sw += wr;
            sf += wr * f[r];
        }
        return sw > 0 ? sf / sw : 0;
    }

    static int[] allCols(int d) {
        int[] c = new int[d];
        for (int j = 0; j < d; j++) {
            c[j] = j;
        }
        return c;
    }

    /** Decrease factor of λ between steps of the LASSO path. */
    static final double PATH_RATIO = 0.93;

    /**
     * The support of a weighted LASSO (intercept unpenalised, penalty λ·Σ sd_j |β_j|, i.e. on standardised
     * features) along a path λ_t = λ_max·{@link #PATH_RATIO}^t: coordinate descent on the sparse columns, warm-started
     * from the previous λ, cycling over the active set until it settles and then over all columns until none enters.
     * Returns the sorted support at the first λ where more than s features are active, cut to the s largest
     * |β_j|·sd_j (or the support where the path ends, if it never exceeds s).
     */
    static int[] lassoSupport(Rows z, double[] f, double[] w, int s) {
        int d = z.d;
        int[] cptr = new int[d + 1];
        double sw = 0;
        double sf = 0;
        for (int r = 0; r < z.n; r++) {
            double wr = w == null ? 1 : w[r];
            if (wr > 1e-10) {
                sw += wr;
                sf += wr * f[r];
                for (int q = z.ptr[r]; q < z.ptr[r + 1]; q++) {
                    cptr[z.col[q] + 1]++;
                }
            }
        }
        if (sw <= 1e-12) {
            return new int[0];
        }
        for (int j = 0; j < d; j++) {
            cptr[j + 1] += cptr[j];
        }
        int[] crow = new int[cptr[d]];
        double[] cz = new double[cptr[d]];
        double[] cwz = new double[cptr[d]]; // w_r z_rj
        int[] fill = Arrays.copyOf(cptr, d);
        for (int r = 0; r < z.n; r++) {
            double wr = w == null ? 1 : w[r];
            if (wr > 1e-10) {
                for (int q = z.ptr[r]; q < z.ptr[r + 1]; q++) {
                    int at = fill[z.col[q]]++;
                    crow[at] = r;
                    cz[at] = z.val[q];
                    cwz[at] = wr * z.val[q];
                }
            }
        }
        Columns cols = new Columns(cptr, crow, cz, cwz, new double[d], new double[d], new double[d], f.clone(), sw);
        double c = sf / sw; // weighted mean of the partial residuals e = f − Zβ: the intercept
        double lambdaMax = 0;
        for (int j = 0; j < d; j++) {
            double s1 = 0;
            double s2 = 0;
            double ge = 0;
            for (int q = cptr[j]; q < cptr[j + 1]; q++) {
                s1 += cwz[q];
                s2 += cwz[q] * cz[q];
                ge += cwz[q] * cols.e[crow[q]];
            }
            cols.mu[j] = s1 / sw;
            cols.var[j] = s2 / sw - cols.mu[j] * cols.mu[j];
            if (cols.var[j] > 1e-12) {
                cols.sd[j] = Math.sqrt(cols.var[j]);
                lambdaMax = Math.max(lambdaMax, Math.abs(ge / sw - c * cols.mu[j]) / cols.sd[j]);
            }
        }
        double[] beta = new double[d];
        boolean[] isActive = new boolean[d];
        int[] active = new int[d];
        int nActive = 0;
        double lambda = lambdaMax;
        for (int t = 1; t < 200; t++) {
            lambda *= PATH_RATIO;
            while (true) {
                for (int sweep = 0; sweep < 100; sweep++) {
                    double maxChange = 0;
                    for (int a = 0; a < nActive; a++) {
                        int j = active[a];
                        double ch = cols.update(j, beta, lambda, c);
                        c -= ch * cols.mu[j];
                        maxChange = Math.max(maxChange, Math.abs(ch) * cols.sd[j]);
                    }
                    if (maxChange < 1e-5) {
                        break;
                    }
                }
                boolean entered = false;
                for (int j = 0; j < d; j++) {
                    if (!isActive[j] && cols.sd[j] > 0) {
                        double ch = cols.update(j, beta, lambda, c);
                        if (ch != 0) {
                            c -= ch * cols.mu[j];
                            isActive[j] = true;
                            active[nActive++] = j;
                            entered = true;
                        }
                    }
                }
                if (!entered) {
                    break;
                }
            }
            int nz = 0;
            for (int a = 0; a < nActive; a++) {
                nz += beta[active[a]] != 0 ? 1 : 0;
            }
            if (nz > s) {
                break;
            }
        }
        double[] sd = cols.sd;
        Integer[] order = new Integer[nActive];
        for (int a = 0; a < nActive; a++) {
            order[a] = active[a];
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(beta[b]) * sd[b], Math.abs(beta[a]) * sd[a]));
        int keep = 0;
        while (keep < Math.min(s, nActive) && beta[order[keep]] != 0) {
            keep++;
        }
        int[] out = new int[keep];
        for (int i = 0; i < keep; i++) {
            out[i] = order[i];
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The weighted design by columns (rows with positive weight), with column means, variances and standard
     * deviations, the partial residuals e = f − Zβ and the weight sum.
     */
    private record Columns(int[] ptr, int[] row, double[] z, double[] wz, double[] mu, double[] var, double[] sd,
                           double[] e, double sw) {
        /** One coordinate-descent update of β_j (intercept c); updates e and returns the change of β_j. */
        double update(int j, double[] beta, double lambda, double c) {
            double ge = 0;
            for (int q = ptr[j]; q < ptr[j + 1]; q++) {
                ge += wz[q] * e[row[q]];
            }
            double u = var[j] * beta[j] + ge / sw - c * mu[j];
            double t = lambda * sd[j];
            double nb = u > t ? (u - t) / var[j] : u < -t ? (u + t) / var[j] : 0;
            double ch = nb - beta[j];
            if (ch != 0) {
                for (int q = ptr[j]; q < ptr[j + 1]; q++) {
                    e[row[q]] -= ch * z[q];
                }
                beta[j] = nb;
            }
            return ch;
        }
    }

    /** The {@code count} columns with the largest weighted |correlation| with f. */
    static int[] screen(Rows z, double[] f, double[] w, int count) {
        double sw = 0;
        double sf = 0;
        double sff = 0;
        double[] sz = new double[z.d];
        double[] szz = new double[z.d];
        double[] szf = new double[z.d];
        for (int r = 0; r < z.n; r++) {
            double wr = w == null ? 1 : w[r];
            if (wr == 0) {
                continue;
            }
            sw += wr;
            sf += wr * f[r];
            sff += wr * f[r] * f[r];
            for (int q = z.ptr[r]; q < z.ptr[r + 1]; q++) {
                int j = z.col[q];
                double v = z.val[q];
                sz[j] += wr * v;
                szz[j] += wr * v * v;
                szf[j] += wr * v * f[r];
            }
        }
        if (sw <= 0) {
            return Arrays.copyOf(allCols(z.d), count);
        }
        double mf = sf / sw;
        double vf = Math.max(1e-12, sff / sw - mf * mf);
        Integer[] order = new Integer[z.d];
        double[] score = new double[z.d];
        for (int j = 0; j < z.d; j++) {
            order[j] = j;
            double mz = sz[j] / sw;
            double vz = szz[j] / sw - mz * mz;
            double cov = szf[j] / sw - mz * mf;
            score[j] = vz > 1e-12 ? cov * cov / (vz * vf) : 0;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = order[i];
        }
        Arrays.sort(out);
        return out;
    }

    static Linear fromGram(Gram g, int s, Method method) {
        int c = g.cols.length;
        if (g.sw <= 1e-12) {
            return Linear.constant(0);
        }
        int[] chosen;
        if (c <= s) {
            chosen = allCols(c);
        } else if (method == Method.RIDGE) {
            chosen = ridgePick(g, s);
        } else if (binomial(c, s) <= EXHAUSTIVE_LIMIT) {
            chosen = exhaustive(g, s);
        } else {
            chosen = forwardSwap(g, s);
        }
        double[] beta = g.solve(chosen, chosen.length, 0, null);
        return toLinear(g, chosen, beta);
    }

    private static Linear toLinear(Gram g, int[] chosen, double[] beta) {
        Integer[] order = new Integer[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(g.cols[chosen[a]], g.cols[chosen[b]]));
        int nz = 0;
        for (int i = 0; i < chosen.length; i++) {
            if (beta[i] != 0) {
                nz++;
            }
        }
        int[] idx = new int[nz];
        double[] w = new double[nz];
        int k = 0;
        for (Integer i : order) {
            if (beta[i] != 0) {
                idx[k] = g.cols[chosen[i]];
                w[k++] = beta[i];
            }
        }
        return new Linear(idx, w, beta[chosen.length]);
    }

    static int[] ridgePick(Gram g, int s) {
        int c = g.cols.length;
        int[] all = allCols(c);
        // ridge with alpha = 1 on the weighted-mean-normalised problem (intercept unpenalised)
        double[] beta = g.solve(all, c, 1.0, null);
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(beta[b]), Math.abs(beta[a])));
        int[] out = new int[s];
        for (int i = 0; i < s; i++) {
            out[i] = order[i];
        }
        return out;
    }

    static int[] exhaustive(Gram g, int s) {
        int c = g.cols.length;
        int[] comb = new int[s];
        for (int i = 0; i < s; i++) {
            comb[i] = i;
        }
        int[] best = comb.clone();
        double bestSse = Double.POSITIVE_INFINITY;
        double[] sse = new double[1];
        while (true) {
            g.solve(comb, s, 0, sse);
            if (sse[0] < bestSse) {
                bestSse = sse[0];
                best = comb.clone();
            }
            int i = s - 1;
            while (i >= 0 && comb[i] == c - s + i) {
                i--;
            }
            if (i < 0) {
                break;
            }
            comb[i]++;
            for (int j = i + 1; j < s; j++) {
                comb[j] = comb[j - 1] + 1;
            }
        }
        return best;
    }

    static int[] forwardSwap(Gram g, int s) {
        int c = g.cols.length;
        int[] chosen = new int[s];
        boolean[] in = new boolean[c];
        double[] sse = new double[1];
        for (int k = 0; k < s; k++) {
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int j = 0; j < c; j++) {
                if (in[j]) {
                    continue;
                }
                chosen[k] = j;
                g.solve(chosen, k + 1, 0, sse);
                if (sse[0] < best) {
                    best = sse[0];
                    arg = j;
                }
            }
            chosen[k] = arg;
            in[arg] = true;
        }
        g.solve(chosen, s, 0, sse);
        double current = sse[0];
        for (int pass = 0; pass < 5; pass++) {
            boolean improved = false;
            for (int k = 0; k < s; k++) {
                int keep = chosen[k];
                for (int j = 0; j < c; j++) {
                    if (in[j]) {
                        continue;
                    }
                    chosen[k] = j;
                    g.solve(chosen, s, 0, sse);
                    if (sse[0] < current - 1e-12 * Math.abs(current)) {
                        current = sse[0];
                        in[keep] = false;
                        in[j] = true;
                        keep = j;
                        improved = true;
                    }
                }
                chosen[k] = keep;
            }
            if (!improved) {
                break;
            }
        }
        return chosen;
    }

    static double binomial(int n, int k) {
        double r = 1;
        for (int i = 0; i < k; i++) {
            r = r * (n - i) / (i + 1);
        }
        return r;
    }
}
