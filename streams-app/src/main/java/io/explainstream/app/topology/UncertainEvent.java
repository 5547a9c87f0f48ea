package io.explainstream.app.topology;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;

/**
 * An event on its way into the L2E stage: the input record's value as received (what the crash-safe buffer
 * stores), and, decoded, the event (kept in memory; null when the GIME stage read the event straight from the value,
 * which the L2E stage then reads again); the bundle version that assigned it and the time that took. {@code draft} is the group-explained record of a request from a separate GIME stage; for an
 * event of this topology it is null (the L2E stage re-assigns the event with the same bundle).
 */
record UncertainEvent(PendingSource source, byte[] payload, PredictionEvent event, ExplainedEvent draft,
                      String bundleVersion, long gimeNanos) {

    /** A request from a separate GIME stage, with its drafted group explanation. */
    static UncertainEvent request(byte[] payload, PredictionEvent event, ExplainedEvent draft) {
        return new UncertainEvent(PendingSource.EXPLANATION_REQUEST, payload, event, draft, draft.getBundleVersion(),
                draft.getTimings().getGimeNanos());
    }
}
