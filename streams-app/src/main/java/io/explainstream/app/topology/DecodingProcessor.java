package io.explainstream.app.topology;

import io.explainstream.serde.DecodeException;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes a raw record's value as {@code T}: a record without a value, or whose value does not decode, goes to the
 * DLQ sink with its reason; every other one is handed to {@link #handledRaw} and, unless that handled it, decoded
 * and handed to {@link #decoded}.
 */
abstract class DecodingProcessor<T> implements Processor<byte[], byte[], byte[], Object> {
    private final Deserializer<T> deserializer;
    protected final Dlq dlq;
    protected ProcessorContext<byte[], Object> context;

    DecodingProcessor(Deserializer<T> deserializer, Dlq dlq) {
        this.deserializer = deserializer;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
    }

    @Override
    public final void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            dlq.send(context, record, new Violation(InvalidReason.NULL_VALUE, "record has no value"));
            return;
        }
        if (handledRaw(record)) {
            return;
        }
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        T value;
        try {
            value = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (DecodeException e) {
            dlq.send(context, record, new Violation(reasonOf(e.kind()), e.getMessage()));
            return;
        }
        decoded(record, value);
    }

    /**
     * Whether this processor has handled {@code record}, a record with a value, from its bytes alone; when false
     * (the default) it is decoded and handed to {@link #decoded}. An implementation that returns false must not have
     * forwarded anything.
     */
    boolean handledRaw(Record<byte[], byte[]> record) {
        return false;
    }

    /** A record whose value decoded as {@code value}. */
    abstract void decoded(Record<byte[], byte[]> record, T value);

    static InvalidReason reasonOf(DecodeException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_SCHEMA_ID -> InvalidReason.UNKNOWN_SCHEMA_ID;
            case INCOMPATIBLE_SCHEMA -> InvalidReason.INCOMPATIBLE_SCHEMA;
            case NOT_WIRE_FORMAT, MALFORMED_AVRO -> InvalidReason.DESERIALIZATION_FAILED;
            case TOO_LARGE -> InvalidReason.TOO_LARGE;
        };
    }
}
