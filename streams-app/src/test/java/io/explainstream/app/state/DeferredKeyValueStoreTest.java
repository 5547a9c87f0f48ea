package io.explainstream.app.state;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeferredKeyValueStoreTest {

    @Test
    void shouldHandOverOnlyTheLastValueOfAKeyAtTheFlush() {
        RecordingStore inner = new RecordingStore();
        DeferredKeyValueStore<String, Long> store = new DeferredKeyValueStore<>(inner);
        store.put("a", 1L);
        store.put("a", 2L);
        store.put("a", 3L);
        assertEquals(3L, store.get("a"), "a reader sees its own writes");
        assertEquals(List.of(), inner.ops, "nothing reaches the wrapped store before the flush");
        store.flushCache();
        assertEquals(List.of("put a=3"), inner.ops);
        assertEquals(0, store.pendingWrites());
    }

    @Test
    void shouldWriteNothingForAValueWrittenAndDeletedBetweenTwoFlushes() {
        RecordingStore inner = new RecordingStore();
        DeferredKeyValueStore<String, Long> store = new DeferredKeyValueStore<>(inner);
        store.put("a", 1L);
        assertEquals(1L, store.delete("a"));
        assertNull(store.get("a"));
        store.flushCache();
        assertEquals(List.of("get a"), inner.ops, "no tombstone for a key the wrapped store never held");
    }

    @Test
    void shouldDeleteAKeyTheWrappedStoreHolds() {
        RecordingStore inner = new RecordingStore();
        inner.map.put("a", 7L);
        DeferredKeyValueStore<String, Long> store = new DeferredKeyValueStore<>(inner);
        assertEquals(7L, store.get("a"), "reads fall through to the wrapped store");
        store.put("a", 8L);
        store.delete("a");
        assertNull(store.get("a"));
        store.flushCache();
        assertEquals(List.of("get a", "get a", "delete a"), inner.ops);
        assertNull(inner.map.get("a"));
    }

    @Test
    void shouldHandOverBeforeAScanAndDropPendingWritesWhenTheCacheIsCleared() {
        RecordingStore inner = new RecordingStore();
        DeferredKeyValueStore<String, Long> store = new DeferredKeyValueStore<>(inner);
        store.put("b", 2L);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertEquals(List.of("b"), keys);
        store.put("c", 3L);
        store.clearCache();
        store.flushCache();
        assertNull(store.get("c"), "a dirty close drops what the aborted transaction did not commit");
        assertEquals(List.of("put b=2", "all", "get c"), inner.ops);
    }

    /** A wrapped store that records what reaches it. */
    private static final class RecordingStore implements KeyValueStore<String, Long> {
        final TreeMap<String, Long> map = new TreeMap<>();
        final List<String> ops = new ArrayList<>();

        @Override
        public void put(String key, Long value) {
            ops.add("put " + key + "=" + value);
            map.put(key, value);
        }

        @Override
        public Long putIfAbsent(String key, Long value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putAll(List<KeyValue<String, Long>> entries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Long delete(String key) {
            ops.add("delete " + key);
            return map.remove(key);
        }

        @Override
        public Long get(String key) {
            ops.add("get " + key);
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, Long> range(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, Long> all() {
            ops.add("all");
            Iterator<Map.Entry<String, Long>> it = new TreeMap<>(map).entrySet().iterator();
            return new KeyValueIterator<>() {
                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, Long> next() {
                    Map.Entry<String, Long> e = it.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }
            };
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
