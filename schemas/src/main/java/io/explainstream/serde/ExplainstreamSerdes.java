package io.explainstream.serde;

import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.PredictionEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes of the project's topics, all on one {@link SchemaRegistry}. */
public record ExplainstreamSerdes(
        AvroSerde<PredictionEvent> predictionEvent,
        AvroSerde<ExplainedEvent> explainedEvent,
        Serde<ExplanationRequest> explanationRequest) {

    public ExplainstreamSerdes {
        Objects.requireNonNull(predictionEvent, "predictionEvent");
        Objects.requireNonNull(explainedEvent, "explainedEvent");
        Objects.requireNonNull(explanationRequest, "explanationRequest");
    }

    /** Value serdes; with {@code autoRegister} false the schemas must already be registered. */
    public static ExplainstreamSerdes create(SchemaRegistry registry, boolean autoRegister) {
        return create(registry, autoRegister, DecodeLimits.DEFAULT);
    }

    /** Value serdes whose deserializers refuse records beyond {@code limits} before allocating for them. */
    public static ExplainstreamSerdes create(SchemaRegistry registry, boolean autoRegister, DecodeLimits limits) {
        return new ExplainstreamSerdes(
                new AvroSerde<>(PredictionEvent.class, registry, autoRegister, false, limits),
                new AvroSerde<>(ExplainedEvent.class, registry, autoRegister, false, limits),
                new AvroSerde<>(ExplanationRequest.class, registry, autoRegister, false, limits));
    }
}
