package io.explainstream.app;

import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;

import java.util.Map;

/**
 * The real servers of an integration test class: a KRaft broker, an Apicurio registry and a client of its
 * Confluent-compatible API. Closed in reverse order; a failed start closes what had started.
 */
record ItServers(EmbeddedKafka kafka, ApicurioRegistry registryServer, ConfluentSchemaRegistry registry)
        implements AutoCloseable {

    /** A plaintext broker and a registry. */
    static ItServers start() {
        return around(EmbeddedKafka.start());
    }

    /** A registry beside an already started broker, which this then owns. */
    static ItServers around(EmbeddedKafka kafka) {
        ApicurioRegistry server = null;
        try {
            server = ApicurioRegistry.start();
            return new ItServers(kafka, server,
                    ConfluentSchemaRegistry.connect(new RegistrySettings(server.url(), true, Map.of())));
        } catch (RuntimeException e) {
            closeQuietly(server);
            closeQuietly(kafka);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try (EmbeddedKafka k = kafka; ApicurioRegistry s = registryServer; ConfluentSchemaRegistry r = registry) {
            // closed in reverse order: the client, the registry, the broker
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // the start failure is the one to report
        }
    }
}
