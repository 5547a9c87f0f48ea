package io.explainstream.trainer.l2e;

import io.explainstream.explain.Label;

import java.util.Arrays;

/**
 * A distilled L2E explainer g(x, ŷ) as plain row-major float arrays, with how it was trained. With h = {@code hidden},
 * C = {@link #CHANNELS} output channels per feature (the 5 label logits in {@link Label} order, then the score) and
 * present_j = (x_j ≠ 0) when {@code sparse}, else always true:
 * <pre>
 *   c          = tanh(x·E + ŷ·u + b)                                    E [d,h]   u, b [h]
 *   o[j, ch]   = x_j · (c·P[j,ch,:] + A[j,ch]) + c·Q[j,ch,:] + R[j,ch]  P, Q [d,C,h]   A, R [d,C]
 *   logits[j]  = present_j ? o[j, 0..4] : (0, 0, ABSENT_NEUTRAL_LOGIT, 0, 0)
 *   score[j]   = present_j ? o[j, 5]    : 0
 * </pre>
 * With a {@code mirrorBelow} threshold t (binary classifiers), o is first mirrored for rows with ŷ &lt; t, where the
 * other class is predicted: label logits in reverse order, score negated. The network then learns attributions
 * toward the explained class, the same for every row, and reports them toward the predicted class; a word seen only
 * in one class's rows is still oriented right in the other's.
 * Array fields are shared, not copied: callers must not modify them.
 *
 * @param d                  feature dimension
 * @param hidden             context size h
 * @param sparse             whether absence (x_j = 0) means "not in the instance" (bag of words) rather than a value
 * @param mirrorBelow        ŷ below which o is mirrored; NaN: never
 * @param e                  E, index j·h + k
 * @param u                  u, index k
 * @param b                  b, index k
 * @param p                  P, index (j·C + ch)·h + k
 * @param q                  Q, same layout as P
 * @param a                  A, index j·C + ch
 * @param r                  R, same layout as A
 * @param epochs             epochs run
 * @param bestEpoch          the epoch (1-based) whose weights these are
 * @param bestValidationLoss the validation loss of those weights
 * @param seconds            training wall time
 */
public record DistilledExplainer(int d, int hidden, boolean sparse, float mirrorBelow, float[] e, float[] u,
                                 float[] b, float[] p, float[] q, float[] a, float[] r, int epochs, int bestEpoch,
                                 double bestValidationLoss, double seconds) {
    /** Output channels per feature: 5 label logits, then the score. */
    public static final int CHANNELS = 6;
    /** Number of label logits per feature. */
    public static final int LABELS = Label.values().length;
    /** Channel of the score. */
    public static final int SCORE = 5;
    /** The NEUTRAL logit of an absent feature (its other logits are 0). */
    public static final float ABSENT_NEUTRAL_LOGIT = 1000f;

    public DistilledExplainer {
        if (d < 1 || hidden < 1) {
            throw new IllegalArgumentException("d and hidden must be >= 1, were " + d + " and " + hidden);
        }
        check("e", e, (long) d * hidden);
        check("u", u, hidden);
        check("b", b, hidden);
        check("p", p, (long) d * CHANNELS * hidden);
        check("q", q, (long) d * CHANNELS * hidden);
        check("a", a, (long) d * CHANNELS);
        check("r", r, (long) d * CHANNELS);
    }

    /** The same network and training record with another mirroring threshold (NaN: never mirror). */
    public DistilledExplainer withMirrorBelow(float threshold) {
        return new DistilledExplainer(d, hidden, sparse, threshold, e, u, b, p, q, a, r, epochs, bestEpoch,
                bestValidationLoss, seconds);
    }

    /** Whether rows with ŷ below {@link #mirrorBelow} are mirrored. */
    public boolean mirrors() {
        return !Float.isNaN(mirrorBelow);
    }

    private static void check(String name, float[] v, long expected) {
        if (v == null || v.length != expected) {
            throw new IllegalArgumentException(name + " must have " + expected + " values, has "
                    + (v == null ? "none" : v.length));
        }
    }

    /** Whether both explainers compute the same function with bit-identical weights. */
    public boolean sameWeights(DistilledExplainer o) {
        return d == o.d && hidden == o.hidden && sparse == o.sparse
                && Float.floatToIntBits(mirrorBelow) == Float.floatToIntBits(o.mirrorBelow)
                && Arrays.equals(e, o.e) && Arrays.equals(u, o.u)
                && Arrays.equals(b, o.b) && Arrays.equals(p, o.p) && Arrays.equals(q, o.q) && Arrays.equals(a, o.a)
                && Arrays.equals(r, o.r);
    }

    /** Number of trained parameters. */
    public long parameterCount() {
        return (long) e.length + u.length + b.length + p.length + q.length + a.length + r.length;
    }

    @Override
    public String toString() {
        return "DistilledExplainer[d=" + d + ", hidden=" + hidden + ", sparse=" + sparse + ", mirrorBelow="
                + mirrorBelow + ", parameters="
                + parameterCount() + ", epochs=" + epochs + ", bestEpoch=" + bestEpoch + ", bestValidationLoss="
                + bestValidationLoss + ", seconds=" + seconds + "]";
    }
}
