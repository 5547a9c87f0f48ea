package io.explainstream.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** A seeded 70/15/15 train/validation/test split of row positions. */
public record Split(long seed, int[] train, int[] validation, int[] test) {
    public static Split of(int n, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED5EEDL);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int nTrain = (int) Math.round(0.70 * n);
        int nVal = (int) Math.round(0.15 * n);
        int[] tr = Arrays.copyOfRange(perm, 0, nTrain);
        int[] va = Arrays.copyOfRange(perm, nTrain, nTrain + nVal);
        int[] te = Arrays.copyOfRange(perm, nTrain + nVal, n);
        Arrays.sort(tr);
        Arrays.sort(va);
        Arrays.sort(te);
        return new Split(seed, tr, va, te);
    }
}
