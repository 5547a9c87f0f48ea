package io.explainstream.explain;

/**
 * Decodes an L2E explainer's label logits into labels, keeping the structure of the labelling rule it learnt
 * ({@link Labels}): a row whose weights include a positive one always has a HIGH_POSITIVE feature (the largest
 * positive weight is at or above the mean positive weight), and likewise for negatives. Each feature takes the
 * argmax of its logits (the first wins ties); then, if some feature is LOW_POSITIVE but none is HIGH_POSITIVE, the
 * LOW_POSITIVE feature whose HIGH_POSITIVE logit is closest to its LOW_POSITIVE logit becomes HIGH_POSITIVE, and
 * symmetrically for the negatives.
 */
public final class LabelDecoder {
    private static final Label[] LABELS = Label.values();

    /** The logit of {@code label} for the row's feature at position {@code feature}. */
    @FunctionalInterface
    public interface Logits {
        float get(int feature, int label);
    }

    private LabelDecoder() {
    }

    /** Labels of the row's {@code count} features (positions 0..count-1), written into {@code out[0..count)}. */
    public static void decode(Logits logits, int count, Label[] out) {
        boolean highPos = false;
        boolean highNeg = false;
        for (int f = 0; f < count; f++) {
            out[f] = argmax(logits, f);
            highPos |= out[f] == Label.HIGH_POSITIVE;
            highNeg |= out[f] == Label.HIGH_NEGATIVE;
        }
        if (!highPos) {
            promote(logits, count, out, Label.LOW_POSITIVE, Label.HIGH_POSITIVE);
        }
        if (!highNeg) {
            promote(logits, count, out, Label.LOW_NEGATIVE, Label.HIGH_NEGATIVE);
        }
    }

    private static void promote(Logits logits, int count, Label[] out, Label low, Label high) {
        int best = -1;
        float bestGap = Float.NEGATIVE_INFINITY;
        for (int f = 0; f < count; f++) {
            if (out[f] == low) {
                float gap = logits.get(f, high.ordinal()) - logits.get(f, low.ordinal());
                if (gap > bestGap) {
                    bestGap = gap;
                    best = f;
                }
            }
        }
        if (best >= 0) {
            out[best] = high;
        }
    }

    private static Label argmax(Logits logits, int f) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < LABELS.length; k++) {
            float v = logits.get(f, k);
            if (!Float.isNaN(v) && (best < 0 || v > bestValue)) {
                best = k;
                bestValue = v;
            }
        }
        return best < 0 ? Label.NEUTRAL : LABELS[best];
    }
}
