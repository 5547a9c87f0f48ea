package io.explainstream.app.topology;

/**
 * Where the fields an explained record copies unchanged lie in a {@code PredictionEvent} record written with the
 * current schema (Confluent wire format): {@code [5, idsEnd)} holds eventId, modelId, modelVersion and eventTime,
 * {@code [predictionStart, predictionEnd)} the prediction, and {@code [predictionEnd, length)} the attributes — the
 * same Avro encoding those fields have in the explained record, so they can be copied byte for byte.
 * {@link RawPredictionEvent} finds them. Mutable; not thread-safe.
 */
final class PredictionEventLayout {
    int idsEnd;
    int predictionStart;
    int predictionEnd;

    /** Takes {@code other}'s ranges. */
    void set(PredictionEventLayout other) {
        idsEnd = other.idsEnd;
        predictionStart = other.predictionStart;
        predictionEnd = other.predictionEnd;
    }
}
