package io.explainstream.app.topology;

import io.explainstream.schema.PredictionEvent;

/** A decoded event that passed the structural checks, with its raw bytes for the DLQ should a later check fail. */
record ValidEvent(PredictionEvent event, byte[] rawValue) {
}
