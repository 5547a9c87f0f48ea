package io.explainstream.app.topology;

import io.explainstream.schema.ExplainedEvent;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The output sink's value serializer: records the GIME stage has already encoded ({@code byte[]}, see
 * {@link ExplainedEncoder}) pass as they are; {@link ExplainedEvent}s are written by the explained-event
 * serializer.
 */
final class ExplainedOutputSerializer implements Serializer<Object> {
    private final Serializer<ExplainedEvent> explained;

    ExplainedOutputSerializer(Serializer<ExplainedEvent> explained) {
        this.explained = explained;
    }

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value instanceof byte[] encoded) {
            return encoded;
        }
        return explained.serialize(topic, (ExplainedEvent) value);
    }
}
