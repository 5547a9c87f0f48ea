package io.explainstream.bundle;

/**
 * One GIME group: its region (the von Mises-Fisher direction phi_k) and its sparse linear explanation
 * g_k(x) = theta_k . x' + intercept, in z-units of the target. {@code trainSize} is the number of training
 * instances assigned to it; {@code fidelityRmse} the generalized-fidelity RMSE the trainer measured (null if none).
 */
public record GroupSpec(int id, SparseWeights region, SparseWeights explanation, double intercept,
                        long trainSize, Double fidelityRmse) {
}
