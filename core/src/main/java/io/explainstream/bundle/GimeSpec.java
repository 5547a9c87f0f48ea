package io.explainstream.bundle;

import java.util.List;

/** The fitted GIME model: a shared concentration tau and the K groups, with ids 0..K-1 in order. */
public record GimeSpec(double tau, List<GroupSpec> groups) {
}
