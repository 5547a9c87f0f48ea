package io.explainstream.explain;

/** One feature of an explanation: its position and name, scaled value, weight, contribution and label. */
public record Attribution(int index, String name, double value, double weight, double contribution, Label label) {
}
