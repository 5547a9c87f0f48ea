package io.explainstream.app.state;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;

/**
 * Builds a {@link DeferredKeyValueStore} around the store another builder makes (with its caching turned off: the
 * deferred store is the cache). Logging settings pass through to the wrapped builder.
 */
public final class DeferredStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> inner;

    public DeferredStoreBuilder(StoreBuilder<KeyValueStore<K, V>> inner) {
        this.inner = inner.withCachingDisabled();
    }

    /** Refused: the deferred store is already the cache. */
    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a deferred store is its own cache; " + name()
                + " cannot add Kafka Streams' cache below it");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
        return new DeferredKeyValueStore<>(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
