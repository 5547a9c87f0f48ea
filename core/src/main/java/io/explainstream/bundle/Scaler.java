package io.explainstream.bundle;

/**
 * The transform applied to raw features before assignment, exactly as at fit time: x' = (x - center) / scale.
 * {@code center} is null for sparse data (bag of words), which keeps zeros zero.
 */
public record Scaler(double[] center, double[] scale) {
    public boolean centers() {
        return center != null;
    }
}
