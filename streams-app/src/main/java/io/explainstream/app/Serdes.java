package io.explainstream.app;

import io.explainstream.app.topology.TopologySerdes;
import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.PendingExplanation;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.DecodeLimits;
import io.explainstream.serde.ExplainstreamSerdes;
import io.explainstream.serde.SchemaRegistry;

/** The topology's serdes on a schema registry. Internal subjects (the L2E buffer's changelog) always auto-register. */
public final class Serdes {
    private Serdes() {
    }

    public static TopologySerdes create(SchemaRegistry registry, boolean autoRegister) {
        return create(registry, autoRegister, DecodeLimits.DEFAULT);
    }

    /** Serdes whose deserializers refuse records beyond {@code limits} before allocating for them. */
    public static TopologySerdes create(SchemaRegistry registry, boolean autoRegister, DecodeLimits limits) {
        ExplainstreamSerdes s = ExplainstreamSerdes.create(registry, autoRegister, limits);
        return new TopologySerdes(s.predictionEvent(), s.explainedEvent(), s.explanationRequest(),
                new AvroSerde<>(PendingExplanation.class, registry, true, false),
                new AvroSerde<>(FidelityWindow.class, registry, autoRegister, false),
                new AvroSerde<>(DriftAlert.class, registry, autoRegister, false));
    }
}
