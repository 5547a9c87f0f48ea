package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.util.SplittableRandom;

/** K-means with k-means++ seeding (Arthur and Vassilvitskii 2007) on dense-able rows, squared L2 distance. */
public final class KMeans {
    public final double[][] centers;
    public final int[] assignment;

    private KMeans(double[][] centers, int[] assignment) {
        this.centers = centers;
        this.assignment = assignment;
    }

    /** Rows scaled to unit length (zero rows stay zero). */
    public static Rows unit(Rows x) {
        double[] v = x.val.clone();
        for (int i = 0; i < x.n; i++) {
            double n = x.norm(i);
            if (n > 0) {
                for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                    v[p] /= n;
                }
            }
        }
        return new Rows(x.d, x.ptr, x.col, v);
    }

    /** k-means++ seeds: the first uniformly, then each with probability proportional to D(x)². */
    public static int[] seeds(Rows x, int k, SplittableRandom rnd) {
        int n = x.n;
        double[] norm2 = new double[n];
        for (int i = 0; i < n; i++) {
            double s = x.norm(i);
            norm2[i] = s * s;
        }
        int[] seeds = new int[k];
        double[] d2 = new double[n];
        java.util.Arrays.fill(d2, Double.POSITIVE_INFINITY);
        seeds[0] = rnd.nextInt(n);
        for (int c = 1; c <= k; c++) {
            double[] center = x.denseRow(seeds[c - 1]);
            double cn = norm2[seeds[c - 1]];
            double total = 0;
            for (int i = 0; i < n; i++) {
                double d = norm2[i] + cn - 2 * x.dot(i, center);
                d2[i] = Math.min(d2[i], Math.max(0, d));
                total += d2[i];
            }
            if (c == k) {
                break;
            }
            double r = rnd.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                r -= d2[i];
                if (r < 0) {
                    pick = i;
                    break;
                }
            }
            if (total <= 0) {
                pick = rnd.nextInt(n);
            }
            seeds[c] = pick;
        }
        return seeds;
    }

    public static KMeans fit(Rows x, int k, int iterations, long seed) {
        int n = x.n;
        int d = x.d;
        k = Math.min(k, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] s = seeds(x, k, rnd);
        double[][] centers = new double[k][];
        for (int c = 0; c < k; c++) {
            centers[c] = x.denseRow(s[c]);
        }
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        double[] norm2 = new double[n];
        for (int i = 0; i < n; i++) {
            norm2[i] = x.norm(i) * x.norm(i);
        }
        for (int it = 0; it < iterations; it++) {
            double[] cn = new double[k];
            for (int c = 0; c < k; c++) {
                for (double v : centers[c]) {
                    cn[c] += v * v;
                }
            }
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bd = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double dd = norm2[i] + cn[c] - 2 * x.dot(i, centers[c]);
                    if (dd < bd) {
                        bd = dd;
                        best = c;
                    }
                }
                if (assign[i] != best) {
                    assign[i] = best;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sum = new double[k][d];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[assign[i]]++;
                for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                    sum[assign[i]][x.col[p]] += x.val[p];
                }
            }
            for (int c = 0; c < k; c++) {
                if (count[c] == 0) {
                    centers[c] = x.denseRow(rnd.nextInt(n));
                } else {
                    for (int j = 0; j < d; j++) {
                        sum[c][j] /= count[c];
                    }
                    centers[c] = sum[c];
                }
            }
        }
        return new KMeans(centers, assign);
    }
}
