package io.explainstream.explain;

/** The five per-feature labels of L2E's sequence-labelling formulation, from most negative to most positive. */
public enum Label { HIGH_NEGATIVE, LOW_NEGATIVE, NEUTRAL, LOW_POSITIVE, HIGH_POSITIVE }
