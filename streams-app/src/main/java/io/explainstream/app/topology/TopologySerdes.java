package io.explainstream.app.topology;

import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.PendingExplanation;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes the topology reads and writes with (Confluent wire format through a schema registry). The explained
 * events' serde is the Avro one: the GIME stage writes group-explained records itself, with that serializer's schema
 * id.
 */
public record TopologySerdes(AvroSerde<PredictionEvent> predictionEvent, AvroSerde<ExplainedEvent> explainedEvent,
                             Serde<ExplanationRequest> explanationRequest,
                             Serde<PendingExplanation> pendingExplanation, Serde<FidelityWindow> fidelityWindow,
                             Serde<DriftAlert> driftAlert) {
}
