package io.explainstream.bundle;

/**
 * When an event is uncertain and goes to the L2E explainer: its top posterior is below {@code minPosterior},
 * or its surrogate misses the model by more than {@code maxResidual} z-units. Calibrated at fit time.
 * {@code l2eShare} (optional, null in bundles written before it existed) is the share of the reference data these
 * thresholds routed to L2E at fit time: the stream's fidelity monitor alarms when the live share drifts from it.
 */
public record RoutingThresholds(double minPosterior, double maxResidual, Double l2eShare) {

    /** Thresholds without a recorded L2E share (older bundles). */
    public RoutingThresholds(double minPosterior, double maxResidual) {
        this(minPosterior, maxResidual, null);
    }
}
