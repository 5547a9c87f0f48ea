package io.explainstream.bundle;

import java.util.List;

/** The model's input space: its kind and one name per dimension (the vocabulary for text), in feature order. */
public record FeatureSpace(FeatureKind kind, List<String> names) {
    public int dimension() {
        return names == null ? 0 : names.size();
    }
}
