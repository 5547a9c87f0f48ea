package io.explainstream.app.l2e;

/**
 * The L2E model cannot be used: the file is missing or not ONNX, or its inputs/outputs do not match the bundle's
 * {@code L2eSpec} and feature dimension. The message names the file and the problem.
 */
public class L2eModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public L2eModelException(String message) {
        super(message);
    }

    public L2eModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
