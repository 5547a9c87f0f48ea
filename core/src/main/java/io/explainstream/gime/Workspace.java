package io.explainstream.gime;

/**
 * Per-thread scratch space and result of one {@link GimeModel} assignment. Not thread-safe; reuse one per thread
 * so that assignment allocates nothing. Results are valid until the next assignment.
 */
public final class Workspace {
    final double[] scaled;
    final int[] touched;
    int touchedCount;
    boolean denseFilled;
    final double[] logits;
    double norm;
    int group;
    double posterior;
    int runnerUp;
    double runnerUpPosterior;
    double surrogateZ;

    Workspace(int dimension, int groups) {
        scaled = new double[dimension + 1]; // [dimension] stays 0: the padding index of GimeModel's regions
        touched = new int[dimension];
        logits = new double[groups];
    }

    /** The scaled value x'_j of the last assigned vector. */
    public double scaled(int j) {
        return scaled[j];
    }

    /** ‖x'‖ of the last assigned vector; 0 means its direction is undefined and nothing else was computed. */
    public double norm() {
        return norm;
    }

    public int group() {
        return group;
    }

    public double posterior() {
        return posterior;
    }

    /** The runner-up group, or -1 when the model has a single group. */
    public int runnerUp() {
        return runnerUp;
    }

    public double runnerUpPosterior() {
        return runnerUpPosterior;
    }

    /** g_k(x) of the assigned group, in z-units of the target. */
    public double surrogateZ() {
        return surrogateZ;
    }

    /** The logit τ·cos(φ_k, x') of group k. */
    public double logit(int k) {
        return logits[k];
    }
}
