package io.explainstream.bundle;

import java.util.List;

/** A bundle that cannot be served; the message names the bundle and every problem found, by JSON path. */
public class InvalidBundleException extends RuntimeException {
    private final List<String> problems;

    public InvalidBundleException(String source, List<String> problems) {
        super("model bundle " + source + " is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
