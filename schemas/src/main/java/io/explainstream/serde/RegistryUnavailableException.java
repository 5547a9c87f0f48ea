package io.explainstream.serde;

import org.apache.kafka.common.errors.RetriableException;

/** The schema registry could not be reached or failed (I/O error, timeout, 5xx). Retrying may succeed. */
public class RegistryUnavailableException extends RetriableException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
