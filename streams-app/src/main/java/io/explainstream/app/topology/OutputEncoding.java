package io.explainstream.app.topology;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.serde.AvroSerializer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The output topic and the serializer whose schema id the GIME stage writes into the records it encodes itself.
 * Thread-safe.
 */
record OutputEncoding(AvroSerializer<ExplainedEvent> serializer, String topic) {
    /**
     * The schema id of explained events on the output topic, or -1 when the registry refuses or lacks the schema:
     * then the stage hands the sink {@link ExplainedEvent}s, whose serializer reports the failure as before.
     */
    int schemaIdOrNone() {
        try {
            return serializer.schemaId(topic);
        } catch (SerializationException e) {
            return -1;
        }
    }
}
