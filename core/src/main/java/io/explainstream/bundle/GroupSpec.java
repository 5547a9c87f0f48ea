package io.explainstream.bundle;

/**
 * One GIME group: its region (the von Mises-Fisher direction phi_k) and its sparse linear explanation
 * g_k(x) = theta_k . x' + intercept, in z-units of the target. {@code trainSize} is the number of training
 * instances assigned to it; {@code fidelityRmse} the generalized-fidelity RMSE the trainer measured (null if none);
 * {@code l2eShare} (optional, null in bundles written before it existed) the share of its reference instances the
 * routing thresholds sent to L2E at fit time. The stream's drift alarm compares live windows with both.
 */
public record GroupSpec(int id, SparseWeights region, SparseWeights explanation, double intercept,
                        long trainSize, Double fidelityRmse, Double l2eShare) {

    /** A group without a recorded L2E share (older bundles). */
    public GroupSpec(int id, SparseWeights region, SparseWeights explanation, double intercept, long trainSize,
                     Double fidelityRmse) {
        this(id, region, explanation, intercept, trainSize, fidelityRmse, null);
    }
}
