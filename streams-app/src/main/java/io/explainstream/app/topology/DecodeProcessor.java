package io.explainstream.app.topology;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.DecodeException;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes a raw input record as a PredictionEvent and checks the event itself (ids, model, prediction).
 * Valid events go to {@code next}; anything else goes to the DLQ sink with its reason.
 */
final class DecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
    private final Deserializer<PredictionEvent> deserializer;
    private final ModelHolder models;
    private final String next;
    private final Dlq dlq;
    private ProcessorContext<byte[], Object> context;

    DecodeProcessor(Deserializer<PredictionEvent> deserializer, ModelHolder models, String next, Dlq dlq) {
        this.deserializer = deserializer;
        this.models = models;
        this.next = next;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            dlq.send(context, record, new Violation(InvalidReason.NULL_VALUE, "record has no value"));
            return;
        }
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        PredictionEvent event;
        try {
            event = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (DecodeException e) {
            dlq.send(context, record, new Violation(reasonOf(e.kind()), e.getMessage()));
            return;
        }
        Violation v = check(event);
        if (v != null) {
            dlq.send(context, record, v);
            return;
        }
        context.forward(record.withValue(new ValidEvent(event, record.value())), next);
    }

    private Violation check(PredictionEvent e) {
        String modelId = models.current().bundle().model().modelId();
        if (e.getEventId().isEmpty()) {
            return new Violation(InvalidReason.EMPTY_FIELD, "eventId is empty");
        }
        if (!modelId.equals(e.getModelId())) {
            return new Violation(InvalidReason.UNKNOWN_MODEL, "modelId '" + e.getModelId()
                    + "' is not the loaded bundle's model '" + modelId + "'");
        }
        if (!Double.isFinite(e.getPrediction().getScore())) {
            return new Violation(InvalidReason.NON_FINITE_PREDICTION,
                    "prediction.score is " + e.getPrediction().getScore());
        }
        return null;
    }

    static InvalidReason reasonOf(DecodeException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_SCHEMA_ID -> InvalidReason.UNKNOWN_SCHEMA_ID;
            case INCOMPATIBLE_SCHEMA -> InvalidReason.INCOMPATIBLE_SCHEMA;
            case NOT_WIRE_FORMAT, MALFORMED_AVRO -> InvalidReason.DESERIALIZATION_FAILED;
            case TOO_LARGE -> InvalidReason.TOO_LARGE;
        };
    }
}
