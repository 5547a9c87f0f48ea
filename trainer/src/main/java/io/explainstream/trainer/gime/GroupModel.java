package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

/**
 * The trainer's own view of a GIME model in scaled space: regions phi (dense K×d, zero outside the mask),
 * the shared concentration tau, and the groups' sparse linear explanations.
 */
public record GroupModel(double tau, double[][] phi, Linear[] theta) {
    public int k() {
        return theta.length;
    }

    /** Logits tau·cos(phi_k, x_i) of row i into {@code out}; returns the argmax. */
    public int logits(Rows x, int i, double[] out) {
        double xn = x.norm(i);
        int best = 0;
        for (int k = 0; k < phi.length; k++) {
            double pn = 0;
            for (double v : phi[k]) {
                pn += v * v;
            }
            double dot = x.dot(i, phi[k]);
            out[k] = (xn == 0 || pn == 0) ? 0 : tau * dot / (xn * Math.sqrt(pn));
            if (out[k] > out[best]) {
                best = k;
            }
        }
        return best;
    }

    public int assign(Rows x, int i) {
        return logits(x, i, new double[phi.length]);
    }

    public int[] assignAll(Rows x) {
        int[] a = new int[x.n];
        double[] buf = new double[phi.length];
        for (int i = 0; i < x.n; i++) {
            a[i] = logits(x, i, buf);
        }
        return a;
    }
}
