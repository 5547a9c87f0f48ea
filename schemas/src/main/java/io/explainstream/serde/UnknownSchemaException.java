package io.explainstream.serde;

/** The registry answered that the requested schema id, subject or subject version does not exist. */
public class UnknownSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public UnknownSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
