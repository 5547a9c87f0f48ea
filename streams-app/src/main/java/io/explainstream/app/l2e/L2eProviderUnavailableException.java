package io.explainstream.app.l2e;

/** {@link ProviderChoice#CUDA} was required but CUDA cannot be used on this host or with this ONNX Runtime build. */
public class L2eProviderUnavailableException extends L2eModelException {
    private static final long serialVersionUID = 1L;

    public L2eProviderUnavailableException(String message) {
        super(message);
    }

    public L2eProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
