package io.explainstream.bundle;

/** TABULAR: named numeric columns, z-scored. TEXT: a bag-of-words vocabulary, sparse, weighted without centering. */
public enum FeatureKind { TABULAR, TEXT }
