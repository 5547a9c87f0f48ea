package io.explainstream.app;

import io.explainstream.serde.RegistryUnavailableException;
import io.explainstream.serde.SchemaRegistry;
import io.explainstream.serde.UnknownSchemaException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unreachable registry is reported (gauge, error counter, not-ready reason) until it answers again. */
class WatchedRegistryTest {
    private static final Schema SCHEMA = Schema.create(Schema.Type.STRING);

    /** Answers each call with the next scripted outcome: a schema, or an exception to throw. */
    private static final class Scripted implements SchemaRegistry {
        final Deque<RuntimeException> failures = new ArrayDeque<>();

        @Override
        public int register(String subject, Schema schema) {
            return 1;
        }

        @Override
        public int lookup(String subject, Schema schema) {
            return 1;
        }

        @Override
        public Schema schemaById(int id) {
            RuntimeException next = failures.poll();
            if (next != null) {
                throw next;
            }
            return SCHEMA;
        }

        @Override
        public void setCompatibility(String subject, String level) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void reportsAnOutageUntilTheRegistryAnswersAgain() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Scripted scripted = new Scripted();
        WatchedRegistry registry = new WatchedRegistry(scripted, meters);
        assertEquals(SCHEMA, registry.schemaById(7));
        assertFalse(registry.unavailable());
        assertNull(registry.unavailableReason());
        assertTrue(meters.scrape().contains("explainstream_registry_unavailable 0.0"), meters.scrape());

        scripted.failures.add(new RegistryUnavailableException("connection refused", null));
        scripted.failures.add(new RegistryUnavailableException("connection refused", null));
        assertThrows(RegistryUnavailableException.class, () -> registry.schemaById(8), "the failure still propagates");
        assertThrows(RegistryUnavailableException.class, () -> registry.schemaById(8));

        assertTrue(registry.unavailable());
        assertTrue(registry.unavailableReason().startsWith("waiting for the schema registry"), registry.unavailableReason());
        assertTrue(registry.unavailableReason().contains("connection refused"));
        String scrape = meters.scrape();
        assertTrue(scrape.contains("explainstream_registry_unavailable 1.0"), scrape);
        assertTrue(scrape.contains("explainstream_registry_errors_total 2.0"), scrape);

        assertEquals(SCHEMA, registry.schemaById(8));
        assertFalse(registry.unavailable());
        assertTrue(meters.scrape().contains("explainstream_registry_unavailable 0.0"));
    }

    @Test
    void anAnswerThatRefusesStillMeansTheRegistryIsReachable() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Scripted scripted = new Scripted();
        WatchedRegistry registry = new WatchedRegistry(scripted, meters);
        scripted.failures.add(new RegistryUnavailableException("503", null));
        scripted.failures.add(new UnknownSchemaException("no schema 9", null));
        assertThrows(RegistryUnavailableException.class, () -> registry.schemaById(9));
        assertThrows(UnknownSchemaException.class, () -> registry.schemaById(9));
        assertFalse(registry.unavailable());
        assertTrue(meters.scrape().contains("explainstream_registry_errors_total 1.0"));
    }
}
