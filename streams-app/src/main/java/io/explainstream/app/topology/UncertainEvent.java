package io.explainstream.app.topology;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;

/**
 * An event on its way into the L2E stage: the input record's value as received (what the crash-safe buffer
 * stores), and, decoded, the event and its group explanation (what the explainer needs, kept in memory).
 */
record UncertainEvent(PendingSource source, byte[] payload, PredictionEvent event, ExplainedEvent draft) {
}
