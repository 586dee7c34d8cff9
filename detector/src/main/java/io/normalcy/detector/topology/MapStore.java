package io.normalcy.detector.topology;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A sorted in-memory {@link KeyValueStore} for {@link BatchScorer}: the detector's processors read their stores
 * through this interface, and a batch run outside Kafka Streams has no store context to initialise Kafka's own
 * in-memory store with. Sorted like Kafka's (the model resolver reads key ranges). Single-threaded.
 */
final class MapStore<K extends Comparable<K>, V> implements KeyValueStore<K, V> {
    private final String name;
    private final NavigableMap<K, V> map = new TreeMap<>();

    MapStore(String name) {
        this.name = name;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = map.get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(K key) {
        return map.remove(key);
    }

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return iterator(map.subMap(from, true, to, true));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return iterator(map);
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void init(org.apache.kafka.streams.processor.ProcessorContext context, StateStore root) {
        // nothing to initialise
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // nothing to initialise
    }

    @Override
    public void flush() {
        // in memory
    }

    @Override
    public void close() {
        map.clear();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    /** Iterates over a snapshot, so a processor may delete while iterating (as the cool-down purge does). */
    private static <K, V> KeyValueIterator<K, V> iterator(Map<K, V> view) {
        Iterator<Map.Entry<K, V>> it = view.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList().iterator();
        return new KeyValueIterator<>() {
            private Map.Entry<K, V> next;

            @Override
            public boolean hasNext() {
                return next != null || it.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                Map.Entry<K, V> e = next != null ? next : it.next();
                next = null;
                return KeyValue.pair(e.getKey(), e.getValue());
            }

            @Override
            public K peekNextKey() {
                if (next == null) {
                    next = it.next();
                }
                return next.getKey();
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
