package io.explainstream.bundle;

/** What the black box predicts: a real value, or a class (explained through the predicted class's probability). */
public enum Task { REGRESSION, CLASSIFICATION }
