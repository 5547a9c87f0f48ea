package io.explainstream.app.state;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A key-value store that keeps its writes as objects in memory and hands them to the store it wraps (changelogged,
 * uncached) only when Kafka Streams flushes the stores' caches: on every commit, before it flushes its producer and
 * commits the input offsets, and before a task is suspended or closed cleanly. A value written and deleted between two
 * commits never reaches the changelog, and a value written many times reaches it once, serialised once.
 *
 * <p>Contract: exactly as durable as a cached Kafka Streams store (what a commit covers is in the changelog in the
 * same transaction); readers see their own writes; scans ({@link #all()}, ranges) first hand the pending writes to the
 * wrapped store. The store keeps the object put, not a copy: what the flush writes is that object's state then (so a
 * caller may keep mutating the object it put, as the fidelity sums do). The flush hook is Kafka
 * Streams' {@link CachedStateStore} interface (the one its own caching stores use): an internal interface, so
 * {@code ExplainTopologyTest} reads the changelog to check that the Kafka Streams in use calls it at every commit.
 */
public final class DeferredKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
    private static final Object DELETED = new Object();

    private final KeyValueStore<K, V> inner;
    private final Map<K, Object> pending = new HashMap<>();

    public DeferredKeyValueStore(KeyValueStore<K, V> inner) {
        this.inner = inner;
    }

    @Override
    public void put(K key, V value) {
        pending.put(key, value == null ? DELETED : value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        pending.put(key, DELETED);
        return old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        Object p = pending.get(key);
        if (p == null) {
            return inner.get(key);
        }
        return p == DELETED ? null : (V) p;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        handOver();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        handOver();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        handOver();
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        handOver();
        return inner.reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
            P prefix, PS prefixKeySerializer) {
        handOver();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + pending.size();
    }

    /** The writes not yet handed to the wrapped store. */
    public int pendingWrites() {
        return pending.size();
    }

    @SuppressWarnings("unchecked")
    private void handOver() {
        for (Map.Entry<K, Object> e : pending.entrySet()) {
            if (e.getValue() != DELETED) {
                inner.put(e.getKey(), (V) e.getValue());
            } else if (inner.get(e.getKey()) != null) {
                inner.delete(e.getKey());
            }
        }
        pending.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flushCache() {
        handOver();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        pending.clear();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        pending.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
