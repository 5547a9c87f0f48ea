package io.explainstream.bundle;

/**
 * When an event is uncertain and goes to the L2E explainer: its top posterior is below {@code minPosterior},
 * or its surrogate misses the model by more than {@code maxResidual} z-units. Calibrated at fit time.
 */
public record RoutingThresholds(double minPosterior, double maxResidual) {
}
