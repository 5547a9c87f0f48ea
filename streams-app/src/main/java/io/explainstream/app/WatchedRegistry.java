package io.explainstream.app;

import io.explainstream.serde.RegistryUnavailableException;
import io.explainstream.serde.SchemaRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The app's schema registry client, watched: a call that finds the registry unreachable
 * ({@link RegistryUnavailableException}) marks it unavailable until a later call gets an answer. While it is, the
 * app is not ready ({@link #unavailableReason()}), {@code explainstream_registry_unavailable} is 1, and
 * {@code explainstream_registry_errors_total} counts the failed calls; one WARN line says so when it starts and one
 * INFO line when the registry answers again. Cached schemas need no call, so an outage that no record needs to
 * bridge goes unnoticed (and holds nothing up). Any answer, even "unknown id", means the registry is reachable.
 */
public final class WatchedRegistry implements SchemaRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedRegistry.class);

    private final SchemaRegistry delegate;
    private final Counter errors;
    private volatile long unavailableSinceNanos;
    private volatile String lastError;

    public WatchedRegistry(SchemaRegistry delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.errors = Counter.builder("explainstream.registry.errors")
                .description("Schema registry calls that failed because it was unreachable or answered 5xx")
                .register(meters);
        Gauge.builder("explainstream.registry.unavailable", this, r -> r.unavailable() ? 1 : 0)
                .description("1 while the schema registry is unreachable and a record waits for it")
                .register(meters);
    }

    /** Whether the last call found the registry unreachable. */
    public boolean unavailable() {
        return lastError != null;
    }

    /** Why the app waits for the registry (for /health/ready), or null when it does not. */
    public String unavailableReason() {
        String error = lastError;
        if (error == null) {
            return null;
        }
        long seconds = (System.nanoTime() - unavailableSinceNanos) / 1_000_000_000L;
        return "waiting for the schema registry (unreachable for " + seconds + " s): " + error;
    }

    @Override
    public int register(String subject, Schema schema) {
        return watch(() -> delegate.register(subject, schema));
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return watch(() -> delegate.lookup(subject, schema));
    }

    @Override
    public Schema schemaById(int id) {
        return watch(() -> delegate.schemaById(id));
    }

    @Override
    public void setCompatibility(String subject, String level) {
        watch(() -> {
            delegate.setCompatibility(subject, level);
            return null;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    private <V> V watch(Supplier<V> call) {
        V value;
        try {
            value = call.get();
        } catch (RegistryUnavailableException e) {
            errors.increment();
            if (lastError == null) {
                unavailableSinceNanos = System.nanoTime();
                LOG.warn("schema registry unavailable: records that need a schema it has not served yet wait "
                        + "(their task fails and retries; none is dead-lettered for this): {}", e.getMessage());
            }
            lastError = e.getMessage();
            throw e;
        } catch (RuntimeException answered) {
            recovered();
            throw answered;
        }
        recovered();
        return value;
    }

    private void recovered() {
        if (lastError != null) {
            lastError = null;
            LOG.info("schema registry reachable again after {} ms",
                    (System.nanoTime() - unavailableSinceNanos) / 1_000_000L);
        }
    }
}
