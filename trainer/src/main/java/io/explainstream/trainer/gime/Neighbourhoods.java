package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.util.SplittableRandom;

/**
 * Perturbation neighbourhoods, m per instance, in the scaled feature space. Tabular: z = x + sigma·N(0, I)
 * (every feature). Text: LIME-style removal of a random number (1..nnz) of the words present. Row i·m + j of
 * the result is neighbour j of instance i.
 */
public final class Neighbourhoods {
    private Neighbourhoods() {
    }

    public static Rows sample(Rows x, int m, double sigma, boolean text, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Rows.Builder b = new Rows.Builder(x.d);
        int[] cols = new int[x.d];
        double[] vals = new double[x.d];
        for (int i = 0; i < x.n; i++) {
            int p0 = x.ptr[i];
            int nnz = x.nnz(i);
            for (int j = 0; j < m; j++) {
                if (!text) {
                    double[] dense = x.denseRow(i);
                    for (int c = 0; c < x.d; c++) {
                        cols[c] = c;
                        vals[c] = dense[c] + sigma * gaussian(rnd);
                    }
                    b.add(cols, vals, x.d);
                } else {
                    int remove = nnz == 0 ? 0 : 1 + rnd.nextInt(nnz);
                    // choose `remove` of the nnz positions to drop (partial Fisher-Yates on a keep mask)
                    int[] order = new int[nnz];
                    for (int q = 0; q < nnz; q++) {
                        order[q] = q;
                    }
                    for (int q = 0; q < remove; q++) {
                        int r = q + rnd.nextInt(nnz - q);
                        int t = order[q];
                        order[q] = order[r];
                        order[r] = t;
                    }
                    boolean[] drop = new boolean[nnz];
                    for (int q = 0; q < remove; q++) {
                        drop[order[q]] = true;
                    }
                    int n = 0;
                    for (int q = 0; q < nnz; q++) {
                        if (!drop[q]) {
                            cols[n] = x.col[p0 + q];
                            vals[n++] = x.val[p0 + q];
                        }
                    }
                    b.add(cols, vals, n);
                }
            }
        }
        return b.build();
    }

    /** Kernel weights exp(-D²/width²) of each neighbour to its instance (L2 for tabular, cosine for text). */
    public static double[] kernel(Rows x, Rows z, int m, double width, boolean text) {
        double[] w = new double[z.n];
        for (int i = 0; i < x.n; i++) {
            double[] xi = x.denseRow(i);
            double xn = x.norm(i);
            for (int j = 0; j < m; j++) {
                int r = i * m + j;
                double dist;
                if (text) {
                    double zn = z.norm(r);
                    double dot = z.dot(r, xi);
                    dist = (xn == 0 || zn == 0) ? 1 : 1 - dot / (xn * zn);
                } else {
                    double s = 0;
                    double[] zr = z.denseRow(r);
                    for (int c = 0; c < x.d; c++) {
                        s += (zr[c] - xi[c]) * (zr[c] - xi[c]);
                    }
                    dist = Math.sqrt(s);
                }
                w[r] = Math.exp(-dist * dist / (width * width));
            }
        }
        return w;
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller (one of the pair), deterministic for a seed
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
