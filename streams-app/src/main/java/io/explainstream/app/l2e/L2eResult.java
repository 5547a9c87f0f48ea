package io.explainstream.app.l2e;

import io.explainstream.explain.Label;

/**
 * The explanations of one batch.
 *
 * @param scores       {@code scores[i][j]}: the score of feature j for row i, one row per explained row
 * @param labels       {@code labels[i][j]}: argmax of the model's label logits, in {@link Label} order; {@code null}
 *                     when the model has no label output (callers then use {@code Labels.of} on the scores)
 * @param encodeNanos  time spent building the input tensors
 * @param inferNanos   time spent in {@code session.run}
 * @param decodeNanos  time spent copying scores out and decoding labels
 */
public record L2eResult(float[][] scores, Label[][] labels, long encodeNanos, long inferNanos, long decodeNanos) {

    /** The number of rows explained. */
    public int size() {
        return scores.length;
    }

    /** Whether the model produced labels (otherwise {@link #labels()} is null). */
    public boolean hasLabels() {
        return labels != null;
    }

    /** encode + infer + decode. */
    public long totalNanos() {
        return encodeNanos + inferNanos + decodeNanos;
    }
}
