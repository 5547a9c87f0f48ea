package io.explainstream.loadtest;

/** A {@code --compare-identity} drain that could not be measured: the message says why and what to change. */
final class DrainException extends RuntimeException {
    DrainException(String message) {
        super(message);
    }
}
