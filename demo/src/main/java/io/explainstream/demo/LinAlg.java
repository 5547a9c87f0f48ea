package io.explainstream.demo;

/** The little linear algebra the stand-in fitter needs: ridge regression by Cholesky. */
final class LinAlg {
    private LinAlg() {
    }

    /** A linear fit y ≈ x · w + intercept. */
    record Fit(double[] w, double intercept) {
        double predict(double[] x) {
            double s = intercept;
            for (int j = 0; j < w.length; j++) {
                s += w[j] * x[j];
            }
            return s;
        }
    }

    /** Ridge regression with an unpenalised intercept: min ‖y − Xw − b‖² + λ‖w‖². */
    static Fit ridge(double[][] x, double[] y, double lambda) {
        int n = x.length;
        int p = n == 0 ? 0 : x[0].length;
        if (n == 0) {
            return new Fit(new double[p], 0);
        }
        double[] mx = new double[p];
        double my = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                mx[j] += x[i][j] / n;
            }
            my += y[i] / n;
        }
        // Uncentred sums over the non-zero entries only (sparse rows stay cheap), centred afterwards:
        // A = XᵀX − n·mx·mxᵀ, b = Xᵀy − n·mx·my.
        double[][] a = new double[p][p];
        double[] b = new double[p];
        int[] idx = new int[p];
        for (int i = 0; i < n; i++) {
            int nz = 0;
            for (int j = 0; j < p; j++) {
                if (x[i][j] != 0) {
                    idx[nz++] = j;
                }
            }
            for (int u = 0; u < nz; u++) {
                int j = idx[u];
                double xj = x[i][j];
                b[j] += xj * y[i];
                for (int v = u; v < nz; v++) {
                    a[j][idx[v]] += xj * x[i][idx[v]];
                }
            }
        }
        for (int j = 0; j < p; j++) {
            b[j] -= n * mx[j] * my;
            for (int k = j; k < p; k++) {
                a[j][k] -= n * mx[j] * mx[k];
            }
        }
        for (int j = 0; j < p; j++) {
            for (int k = 0; k < j; k++) {
                a[j][k] = a[k][j];
            }
            a[j][j] += lambda;
        }
        double[] w = solveSpd(a, b);
        double intercept = my;
        for (int j = 0; j < p; j++) {
            intercept -= mx[j] * w[j];
        }
        return new Fit(w, intercept);
    }

    /** Solves A w = b for a symmetric positive definite A (Cholesky; A is overwritten). */
    static double[] solveSpd(double[][] a, double[] b) {
        int p = b.length;
        for (int j = 0; j < p; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= a[j][k] * a[j][k];
            }
            d = Math.sqrt(Math.max(d, 1e-12));
            a[j][j] = d;
            for (int i = j + 1; i < p; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= a[i][k] * a[j][k];
                }
                a[i][j] = s / d;
            }
        }
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= a[i][k] * z[k];
            }
            z[i] = s / a[i][i];
        }
        double[] w = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < p; k++) {
                s -= a[k][i] * w[k];
            }
            w[i] = s / a[i][i];
        }
        return w;
    }
}
