package io.explainstream.trainer.gime;

/** Solves small symmetric positive (semi)definite systems; adds jitter when a pivot vanishes. */
public final class Cholesky {
    private Cholesky() {
    }

    public static double[] solve(double[] a, double[] b, int m) {
        double[] l = new double[m * m];
        double jitter = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            if (factor(a, l, m, jitter)) {
                double[] y = new double[m];
                for (int i = 0; i < m; i++) {
                    double s = b[i];
                    for (int k = 0; k < i; k++) {
                        s -= l[i * m + k] * y[k];
                    }
                    y[i] = s / l[i * m + i];
                }
                double[] x = new double[m];
                for (int i = m - 1; i >= 0; i--) {
                    double s = y[i];
                    for (int k = i + 1; k < m; k++) {
                        s -= l[k * m + i] * x[k];
                    }
                    x[i] = s / l[i * m + i];
                }
                return x;
            }
            double tr = 0;
            for (int i = 0; i < m; i++) {
                tr += Math.abs(a[i * m + i]);
            }
            jitter = jitter == 0 ? 1e-10 * (tr / m + 1e-12) : jitter * 100;
        }
        return new double[m];
    }

    private static boolean factor(double[] a, double[] l, int m, double jitter) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * m + j] + (i == j ? jitter : 0);
                for (int k = 0; k < j; k++) {
                    s -= l[i * m + k] * l[j * m + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return false;
                    }
                    l[i * m + i] = Math.sqrt(s);
                } else {
                    l[i * m + j] = s / l[j * m + j];
                }
            }
        }
        return true;
    }
}
