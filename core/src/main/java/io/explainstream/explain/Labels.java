package io.explainstream.explain;

/**
 * Per-instance labelling of feature weights (the L2E paper's rule): the thresholds are the mean of the positive
 * weights and the mean of the negative weights; a positive weight at or above its mean is HIGH_POSITIVE, below
 * it LOW_POSITIVE (and symmetrically for negatives); zero is NEUTRAL.
 */
public final class Labels {
    private Labels() {
    }

    public static Label[] of(double[] weights) {
        Label[] labels = new Label[weights.length];
        of(weights, weights.length, labels);
        return labels;
    }

    /** The labels of {@code weights[0..n)} into {@code labels[0..n)}, without allocating. */
    public static void of(double[] weights, int n, Label[] labels) {
        double posSum = 0;
        double negSum = 0;
        int pos = 0;
        int neg = 0;
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            if (w > 0) {
                posSum += w;
                pos++;
            } else if (w < 0) {
                negSum += w;
                neg++;
            }
        }
        double posMean = pos == 0 ? 0 : posSum / pos;
        double negMean = neg == 0 ? 0 : negSum / neg;
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            if (w > 0) {
                labels[i] = w >= posMean ? Label.HIGH_POSITIVE : Label.LOW_POSITIVE;
            } else if (w < 0) {
                labels[i] = w <= negMean ? Label.HIGH_NEGATIVE : Label.LOW_NEGATIVE;
            } else {
                labels[i] = Label.NEUTRAL;
            }
        }
    }

    /** The label of the opposite sign (HIGH_POSITIVE ↔ HIGH_NEGATIVE, LOW_POSITIVE ↔ LOW_NEGATIVE; NEUTRAL stays). */
    public static Label mirror(Label l) {
        return Label.values()[Label.values().length - 1 - l.ordinal()];
    }
}
