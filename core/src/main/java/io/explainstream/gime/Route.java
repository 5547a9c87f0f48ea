package io.explainstream.gime;

/** Why an event goes to the L2E explainer: NONE when its group explains it well. */
public enum Route { NONE, LOW_POSTERIOR, HIGH_RESIDUAL }
