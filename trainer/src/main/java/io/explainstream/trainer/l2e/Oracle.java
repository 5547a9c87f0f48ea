package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

/**
 * The black box as the explainers see it: f in z-units (the explained output; a probability for classification)
 * at each row of scaled features. One call is one batched ONNX Runtime query; implementations are thread-safe.
 */
@FunctionalInterface
public interface Oracle {
    double[] f(Rows scaled);
}
