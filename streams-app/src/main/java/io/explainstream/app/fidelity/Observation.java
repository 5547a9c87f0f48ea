package io.explainstream.app.fidelity;

/**
 * What one assigned event says about its group's fidelity: the group, |g_k(x) - f(x)| in z-units, the top
 * posterior, whether it is at or above the routing threshold (covered), whether it was routed to L2E, and, for
 * classifiers, whether the surrogate agrees with the model's label.
 */
public record Observation(int group, double residual, double posterior, boolean covered, boolean routed, byte agree) {
    public static final byte NO_LABEL = 0;
    public static final byte AGREE = 1;
    public static final byte DISAGREE = 2;
}
