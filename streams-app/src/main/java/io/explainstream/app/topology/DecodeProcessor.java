package io.explainstream.app.topology;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes a raw input record as a PredictionEvent and checks the event itself (ids, model, prediction).
 * Valid events go to {@code next}; anything else goes to the DLQ sink with its reason.
 */
final class DecodeProcessor extends DecodingProcessor<PredictionEvent> {
    private final ModelHolder models;
    private final String next;

    DecodeProcessor(Deserializer<PredictionEvent> deserializer, ModelHolder models, String next, Dlq dlq) {
        super(deserializer, dlq);
        this.models = models;
        this.next = next;
    }

    @Override
    void decoded(Record<byte[], byte[]> record, PredictionEvent event) {
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
}
