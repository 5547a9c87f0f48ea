package io.explainstream.trainer.l2e;

import io.explainstream.trainer.gime.Cholesky;

/**
 * Small dense weighted least squares on a row-major design x (n×m): weighted-centred normal equations (for fits
 * with an unpenalised intercept), Cholesky solves, forward selection and ridge.
 */
final class LeastSquares {
    final int m;
    final double[] a;
    final double[] c;
    double yy;

    private LeastSquares(int m) {
        this.m = m;
        this.a = new double[m * m];
        this.c = new double[m];
    }

    /** Normal equations of y ~ intercept + x with weights w, the intercept eliminated by weighted centring. */
    static LeastSquares centred(double[] x, int n, int m, double[] y, int yFrom, double[] w) {
        double sw = 0;
        double my = 0;
        double[] mx = new double[m];
        for (int k = 0; k < n; k++) {
            sw += w[k];
            my += w[k] * y[yFrom + k];
            for (int j = 0; j < m; j++) {
                mx[j] += w[k] * x[k * m + j];
            }
        }
        LeastSquares g = new LeastSquares(m);
        if (sw <= 0) {
            return g;
        }
        my /= sw;
        for (int j = 0; j < m; j++) {
            mx[j] /= sw;
        }
        double[] v = new double[m];
        for (int k = 0; k < n; k++) {
            double wk = w[k];
            if (wk == 0) {
                continue;
            }
            double r = y[yFrom + k] - my;
            for (int j = 0; j < m; j++) {
                v[j] = x[k * m + j] - mx[j];
            }
            g.accumulate(v, r, wk);
        }
        g.symmetrise();
        return g;
    }

    /** Normal equations without intercept. */
    static LeastSquares plain(int m) {
        return new LeastSquares(m);
    }

    void accumulate(double[] v, double r, double wk) {
        for (int s = 0; s < m; s++) {
            double ws = wk * v[s];
            if (ws == 0) {
                continue;
            }
            int row = s * m;
            for (int t = 0; t <= s; t++) {
                a[row + t] += ws * v[t];
            }
            c[s] += ws * r;
        }
        yy += wk * r * r;
    }

    void symmetrise() {
        for (int s = 0; s < m; s++) {
            for (int t = 0; t < s; t++) {
                a[t * m + s] = a[s * m + t];
            }
        }
    }

    /** Coefficients on the chosen columns with ridge penalty alpha (plus a tiny stabilising jitter). */
    double[] solve(int[] sel, int k, double alpha, double[] sse) {
        double[] mat = new double[k * k];
        double[] rhs = new double[k];
        for (int s = 0; s < k; s++) {
            rhs[s] = c[sel[s]];
            for (int t = 0; t < k; t++) {
                mat[s * k + t] = a[sel[s] * m + sel[t]];
            }
            mat[s * k + s] += alpha + 1e-10 * (1 + mat[s * k + s]);
        }
        double[] beta = Cholesky.solve(mat, rhs, k);
        if (sse != null) {
            double q = yy;
            for (int s = 0; s < k; s++) {
                double row = 0;
                for (int t = 0; t < k; t++) {
                    row += a[sel[s] * m + sel[t]] * beta[t];
                }
                q += beta[s] * (row - 2 * rhs[s]);
            }
            sse[0] = q;
        }
        return beta;
    }

    /** Greedy forward selection of k columns, each step adding the column that most reduces the weighted SSE. */
    int[] forward(int k) {
        int[] sel = new int[k];
        boolean[] in = new boolean[m];
        double[] sse = new double[1];
        for (int step = 0; step < k; step++) {
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int j = 0; j < m; j++) {
                if (in[j]) {
                    continue;
                }
                sel[step] = j;
                solve(sel, step + 1, 0, sse);
                if (sse[0] < best) {
                    best = sse[0];
                    arg = j;
                }
            }
            sel[step] = arg;
            in[arg] = true;
        }
        return sel;
    }
}
