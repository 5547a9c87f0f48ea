package io.explainstream.bundle;

/**
 * The bundle's optional neural explainer, an ONNX model in the bundle folder, in one of two layouts. N (rows per
 * call) is dynamic in both; {@code inputPrediction} is float[N, 1], f(x) in z-units; label logits are in
 * {@link io.explainstream.explain.Label} order.
 *
 * <p><b>Dense layout</b> ({@code inputIndices} null, the layout of every bundle written before the present layout
 * existed): input {@code inputFeatures} float[N, d], the scaled features; output {@code outputScores} float[N, d], a
 * score per feature, and, when {@code outputLabels} is set, {@code outputLabels} float[N, d, 5], label logits per
 * feature.
 *
 * <p><b>Present layout</b> ({@code inputIndices} set): the model sees only each row's present features, those whose
 * scaled value is not 0, so its cost follows the non-zeros. With L the dynamic slot count of a call (the most present
 * features of a row in the batch; callers use L ≥ 1):
 * <ul>
 *   <li>input {@code inputFeatures} float[N, L]: slot s of row i holds the value of its s-th present feature;</li>
 *   <li>input {@code inputIndices} int64[N, L]: that feature's id, 0 ≤ id &lt; d, distinct within a row;</li>
 *   <li>output {@code outputScores} float[N, L] and, when set, {@code outputLabels} float[N, L, 5]: the score and
 *       the label logits of the feature in that slot.</li>
 * </ul>
 * A row with fewer than L present features is padded with value 0 and index 0; a padding slot must not change the
 * other slots' outputs (value 0 adds nothing), and callers ignore its outputs. A feature that is not present (value
 * 0, so never in a slot) has score 0 and label NEUTRAL.
 *
 * @param inputIndices the int64 feature-id input of the present layout; null for the dense layout
 */
public record L2eSpec(String file, String version, String teacher, String inputFeatures, String inputPrediction,
                      String outputScores, String outputLabels, String inputIndices) {

    /** A dense-layout spec (no {@code inputIndices}). */
    public L2eSpec(String file, String version, String teacher, String inputFeatures, String inputPrediction,
                   String outputScores, String outputLabels) {
        this(file, version, teacher, inputFeatures, inputPrediction, outputScores, outputLabels, null);
    }

    /** Whether the model takes the present layout (its spec names {@code inputIndices}). */
    public boolean presentLayout() {
        return inputIndices != null;
    }
}
