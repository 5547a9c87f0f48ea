package io.explainstream.validation;

/** Why an input record cannot be explained; the DLQ header {@code explainstream.error.reason} carries the name. */
public enum InvalidReason {
    /** The value is not in the Confluent wire format, or its Avro body does not decode. */
    DESERIALIZATION_FAILED,
    /** The schema id in the record is not known to the registry. */
    UNKNOWN_SCHEMA_ID,
    /** The writer's schema cannot be read as the PredictionEvent contract. */
    INCOMPATIBLE_SCHEMA,
    /** The record has no value (a tombstone). */
    NULL_VALUE,
    /** A field or array is larger than the configured limits. */
    TOO_LARGE,
    /** A required string field is empty. */
    EMPTY_FIELD,
    UNKNOWN_MODEL,
    DIMENSION_MISMATCH,
    NON_FINITE_VALUE,
    NON_FINITE_PREDICTION,
    ZERO_VECTOR,
    SPARSE_LENGTH_MISMATCH,
    SPARSE_INDEX_OUT_OF_RANGE,
    SPARSE_INDICES_UNSORTED,
    SPARSE_INDEX_DUPLICATE,
    /** An unexpected failure while processing the record. */
    PROCESSING_FAILED
}
