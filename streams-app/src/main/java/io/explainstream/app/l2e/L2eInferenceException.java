package io.explainstream.app.l2e;

/** A batch could not be explained (tensor creation, {@code session.run} or decoding the outputs failed). */
public class L2eInferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public L2eInferenceException(String message) {
        super(message);
    }

    public L2eInferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
