package io.explainstream.serde;

/** The registry refused to register a schema because it breaks the subject's compatibility level. */
public class IncompatibleSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public IncompatibleSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
