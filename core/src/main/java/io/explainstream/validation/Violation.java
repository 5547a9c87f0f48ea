package io.explainstream.validation;

/** A reason an event was refused and a message that says exactly what was wrong with it. */
public record Violation(InvalidReason reason, String message) {
}
