package io.explainstream.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes could not be decoded into the expected Avro type. Never thrown for registry outages
 * (those are {@link RegistryUnavailableException}); retrying the same bytes will fail the same way.
 */
public class DecodeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the record. */
    public enum Kind {
        /** Shorter than the 5-byte header, or the magic byte is not 0. */
        NOT_WIRE_FORMAT,
        /** The registry has no schema with the header's id. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema cannot be read as the expected type. */
        INCOMPATIBLE_SCHEMA,
        /** The Avro body is truncated, corrupt, or followed by extra bytes. */
        MALFORMED_AVRO,
        /** The record, or a size it claims (array items, string bytes), is over the {@link DecodeLimits}. */
        TOO_LARGE
    }

    private final Kind kind;

    public DecodeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public DecodeException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
