package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.util.Arrays;

/**
 * Weighted sparse linear regression with an intercept and at most s features.
 * <ul>
 * <li>{@code BEST}: exact best subset (all C(d, s) subsets, from the normal equations) when that is at most
 * {@link #EXHAUSTIVE_LIMIT} subsets; otherwise forward selection refined by swaps; for very wide data (text) the
 * candidates are first screened by weighted correlation, then ridge-picked.</li>
 * <li>{@code RIDGE}: the authors' procedure: ridge (alpha = 1) picks the top-s features by |weight|, then weighted
 * least squares with intercept on them.</li>
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
        if (z.d <= WIDE) {
            Gram g = new Gram(allCols(z.d));
            g.add(z, f, w, 0, z.n, 1.0, null);
            return fromGram(g, s, method);
        }
        int[] cand = screen(z, f, w, Math.min(z.d, Math.max(3 * s, 150)));
        int[] position = new int[z.d];
        Arrays.fill(position, -1);
        for (int i = 0; i < cand.length; i++) {
            position[cand[i]] = i;
        }
        Gram g = new Gram(cand);
        g.add(z, f, w, 0, z.n, 1.0, position);
        return fromGram(g, s, Method.RIDGE);
    }

    static int[] allCols(int d) {
        int[] c = new int[d];
        for (int j = 0; j < d; j++) {
            c[j] = j;
        }
        return c;
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
