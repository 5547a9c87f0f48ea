package io.explainstream.gime;

/**
 * e^x for the softmax, inlined rather than a call: x = (32m + j)·ln2/32 + r with |r| ≤ ln2/64, then
 * e^x = 2^m · 2^(j/32) · p(r), p the degree-5 Taylor polynomial (truncation below 3e-15 relative). Relative error
 * within a few ulps for x in [-708, 709]; 0 below, +∞ above. Independent calls overlap in the pipeline, which a call
 * to {@link Math#exp} does not.
 */
final class FastExp {
    private static final double SCALE = 32 / Math.log(2);
    private static final double LN2_32_HI = 0x1.62e42fefa0000p-6;
    private static final double LN2_32_LO = 0x1.cf79abc9e3b3ap-45;
    private static final double[] TWO_POW_J_32 = new double[32];

    static {
        for (int j = 0; j < 32; j++) {
            TWO_POW_J_32[j] = StrictMath.pow(2, j / 32.0);
        }
    }

    private FastExp() {
    }

    static double exp(double x) {
        if (x < -708) {
            return 0;
        }
        if (x > 709) {
            return Double.POSITIVE_INFINITY;
        }
        double kd = Math.rint(x * SCALE);
        int k = (int) kd;
        double r = (x - kd * LN2_32_HI) - kd * LN2_32_LO;
        double r2 = r * r;
        double p = 1 + r + r2 * (0.5 + r * (1.0 / 6)) + r2 * r2 * (1.0 / 24 + r * (1.0 / 120));
        double scale = Double.longBitsToDouble((long) ((k >> 5) + 1023) << 52);
        return scale * TWO_POW_J_32[k & 31] * p;
    }
}
