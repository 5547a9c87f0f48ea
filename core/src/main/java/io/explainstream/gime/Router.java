package io.explainstream.gime;

/**
 * Decides whether the group explains an event well. A posterior below {@code minPosterior} wins over a residual
 * above {@code maxResidual} (z-units of f) when both hold.
 */
public record Router(double minPosterior, double maxResidual) {
    public Route route(double posterior, double residual) {
        if (posterior < minPosterior) {
            return Route.LOW_POSTERIOR;
        }
        if (residual > maxResidual) {
            return Route.HIGH_RESIDUAL;
        }
        return Route.NONE;
    }
}
