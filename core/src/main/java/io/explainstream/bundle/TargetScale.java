package io.explainstream.bundle;

import java.util.List;

/**
 * The fitted scale of the black box's output: surrogates work in z-units, f_z = (f - mean) / scale.
 * {@code classLabels} names the classes of a classifier, in the order of an event's probabilities.
 */
public record TargetScale(double mean, double scale, List<String> classLabels) {
    public double toZ(double f) {
        return (f - mean) / scale;
    }

    public double fromZ(double z) {
        return z * scale + mean;
    }
}
