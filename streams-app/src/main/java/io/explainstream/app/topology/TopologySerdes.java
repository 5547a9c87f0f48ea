package io.explainstream.app.topology;

import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.PendingExplanation;
import io.explainstream.schema.PredictionEvent;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes the topology reads and writes with (Confluent wire format through a schema registry). */
public record TopologySerdes(Serde<PredictionEvent> predictionEvent, Serde<ExplainedEvent> explainedEvent,
                             Serde<ExplanationRequest> explanationRequest,
                             Serde<PendingExplanation> pendingExplanation, Serde<FidelityWindow> fidelityWindow,
                             Serde<DriftAlert> driftAlert) {
}
