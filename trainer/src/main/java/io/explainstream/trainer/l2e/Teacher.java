package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

/**
 * A slow, model-agnostic explainer that L2E distils. Contract: {@code explain(x, seed)} returns one attribution
 * row per row of {@code x} (scaled features), as a CSR matrix of the same width: for dense tabular rows every
 * feature is present; for sparse text rows exactly the row's present words, in the same column order. A weight
 * is the feature's effect on f (positive raises it). The result depends only on x, the seed and the oracle;
 * rows are explained in parallel, each with a random stream derived from the seed and the row's position.
 */
public interface Teacher {
    /** The teacher's name as written in bundles and reports: lime, kernelshap or occlusion. */
    String name();

    /** Number of black-box queries one explanation costs. */
    int queriesPerExplanation();

    Rows explain(Rows x, long seed);
}
