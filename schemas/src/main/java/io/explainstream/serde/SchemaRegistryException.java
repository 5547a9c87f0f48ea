package io.explainstream.serde;

import org.apache.kafka.common.KafkaException;

/** The schema registry refused a request; not worth retrying unchanged. */
public class SchemaRegistryException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
