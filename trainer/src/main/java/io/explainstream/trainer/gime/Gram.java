package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

/**
 * Weighted normal equations of a least-squares problem over candidate columns {@code cols} plus an intercept
 * (the last position): A = Σ w [z;1][z;1]ᵀ, c = Σ w [z;1] f, yy = Σ w f², sw = Σ w.
 */
public final class Gram {
    final int[] cols;
    final double[] a;
    final double[] c;
    double yy;
    double sw;
    final int p;

    Gram(int[] cols) {
        this.cols = cols;
        this.p = cols.length + 1;
        this.a = new double[p * p];
        this.c = new double[p];
    }

    /** Accumulates rows [from, to) of z with weights w (may be null: 1) scaled by {@code scale}. */
    void add(Rows z, double[] f, double[] w, int from, int to, double scale, int[] position) {
        double[] v = new double[p];
        int[] nzPos = new int[p];
        for (int r = from; r < to; r++) {
            double wr = scale * (w == null ? 1.0 : w[r]);
            if (wr == 0) {
                continue;
            }
            int n = 0;
            for (int q = z.ptr[r]; q < z.ptr[r + 1]; q++) {
                int pos = position == null ? z.col[q] : position[z.col[q]];
                if (pos >= 0) {
                    nzPos[n] = pos;
                    v[n++] = z.val[q];
                }
            }
            nzPos[n] = p - 1;
            v[n++] = 1.0;
            double fr = f[r];
            for (int s = 0; s < n; s++) {
                double ws = wr * v[s];
                int row = nzPos[s] * p;
                for (int t = 0; t < n; t++) {
                    a[row + nzPos[t]] += ws * v[t];
                }
                c[nzPos[s]] += ws * fr;
            }
            yy += wr * fr * fr;
            sw += wr;
        }
    }

    void addScaled(Gram o, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] += s * o.a[i];
        }
        for (int i = 0; i < p; i++) {
            c[i] += s * o.c[i];
        }
        yy += s * o.yy;
        sw += s * o.sw;
    }

    /**
     * Solves the (ridge-regularised, intercept unpenalised) problem on the chosen positions (intercept always
     * added); returns the coefficients (last = intercept) and stores the weighted SSE in {@code sse[0]}.
     */
    double[] solve(int[] chosen, int count, double ridge, double[] sse) {
        int m = count + 1;
        double[] mat = new double[m * m];
        double[] rhs = new double[m];
        for (int s = 0; s < m; s++) {
            int ps = s < count ? chosen[s] : p - 1;
            rhs[s] = c[ps];
            for (int t = 0; t < m; t++) {
                int pt = t < count ? chosen[t] : p - 1;
                mat[s * m + t] = a[ps * p + pt];
            }
            if (s < count) {
                mat[s * m + s] += ridge + 1e-9 * (1 + mat[s * m + s]);
            } else {
                mat[s * m + s] += 1e-12 + 1e-12 * mat[s * m + s];
            }
        }
        double[] beta = Cholesky.solve(mat, rhs, m);
        if (sse != null) {
            // SSE = yy - 2 βᵀc + βᵀAβ
            double bc = 0;
            double bab = 0;
            for (int s = 0; s < m; s++) {
                int ps = s < count ? chosen[s] : p - 1;
                bc += beta[s] * c[ps];
                double row = 0;
                for (int t = 0; t < m; t++) {
                    int pt = t < count ? chosen[t] : p - 1;
                    row += a[ps * p + pt] * beta[t];
                }
                bab += beta[s] * row;
            }
            sse[0] = yy - 2 * bc + bab;
        }
        return beta;
    }
}
