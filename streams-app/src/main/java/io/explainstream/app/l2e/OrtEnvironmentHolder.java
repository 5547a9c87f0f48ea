package io.explainstream.app.l2e;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * The one {@link OrtEnvironment} of this JVM, created on first use (which loads ONNX Runtime's native library) and
 * never closed: sessions come and go, the environment stays.
 */
final class OrtEnvironmentHolder {
    private OrtEnvironmentHolder() {
    }

    private static final class Lazy {
        static final OrtEnvironment ENV =
                OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "explainstream-l2e");
    }

    static OrtEnvironment get() {
        try {
            return Lazy.ENV;
        } catch (ExceptionInInitializerError | NoClassDefFoundError | UnsatisfiedLinkError e) {
            throw new L2eModelException("ONNX Runtime could not be started (native library failed to load): " + e, e);
        }
    }
}
