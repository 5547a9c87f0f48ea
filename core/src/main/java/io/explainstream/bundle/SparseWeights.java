package io.explainstream.bundle;

/** A sparse weight vector: strictly increasing indices and their values, of equal length. */
public record SparseWeights(int[] indices, double[] values) {
    public int size() {
        return indices == null ? 0 : indices.length;
    }
}
