package io.explainstream.trainer.gime;

/** A sparse linear surrogate g(z) = Σ w_j z_idx[j] + b, in z-units of f. */
public record Linear(int[] idx, double[] w, double b) {
    public static Linear constant(double b) {
        return new Linear(new int[0], new double[0], b);
    }

    public double apply(io.explainstream.trainer.data.Rows z, int row) {
        double s = b;
        int p0 = z.ptr[row];
        int p1 = z.ptr[row + 1];
        if (p1 - p0 == z.d) {
            for (int j = 0; j < idx.length; j++) {
                s += w[j] * z.val[p0 + idx[j]];
            }
        } else {
            for (int j = 0; j < idx.length; j++) {
                int k = java.util.Arrays.binarySearch(z.col, p0, p1, idx[j]);
                if (k >= 0) {
                    s += w[j] * z.val[k];
                }
            }
        }
        return s;
    }

    public double applyDense(double[] x) {
        double s = b;
        for (int j = 0; j < idx.length; j++) {
            s += w[j] * x[idx[j]];
        }
        return s;
    }
}
