package io.normalcy.detector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.AvroSerde;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The resolver's answers from the global model store alone (the registry empty, as after a restart whose store was
 * restored without replay): newest valid version, junk counted and skipped, legacy keys read, nothing to serve
 * remembered until the store changes. The store is an in-memory map behind Kafka Streams' read-only store interface.
 */
class ModelResolverTest {
    private static final AvroSerde<ModelVersion> SERDE = AvroSerde.of(ModelVersion.class);

    private final DetectorMetrics metrics = DetectorMetrics.inMemory();
    private final ModelRegistry registry = new ModelRegistry(metrics);
    private final ModelResolver resolver = new ModelResolver(registry,
            new ModelLoader(new ModelSignatureVerifier(SigningSettings.none()), Clock.systemUTC()), metrics,
            "normalcy.models");
    private final MapStore store = new MapStore();

    private static byte[] bytes(ModelVersion mv) {
        return SERDE.serialize("normalcy.models", mv);
    }

    @Test
    void aMissLoadsTheNewestValidVersionAndCountsTheJunk() {
        store.put(ModelKeys.versionKey("payments", 1), bytes(TestModels.standardNormal("payments", 1, 1.0)));
        store.put(ModelKeys.versionKey("payments", 2), bytes(TestModels.standardNormal("payments", 2, 1.0)));
        store.put(ModelKeys.versionKey("payments", 3), new byte[] {0, 1, 2, 3});
        store.put(ModelKeys.versionKey("other", 7), bytes(TestModels.standardNormal("other", 7, 1.0)));

        LoadedModel m = resolver.resolve("payments", store);

        assertEquals(2, m.version(), "v3 is junk: the newest valid version serves");
        assertEquals(1.0, metrics.count(DetectorMetrics.REJECTED, "model", "payments", "reason", "undecodable"));
        assertEquals(m, registry.get("payments"), "installed for the next record");
        assertNull(registry.get("other"), "a miss loads only the model asked for");
    }

    @Test
    void aLegacyKeyIsRead() {
        store.put("payments", bytes(TestModels.standardNormal("payments", 4, 1.0)));
        assertEquals(4, resolver.resolve("payments", store).version());
    }

    @Test
    void nothingToServeIsRememberedUntilTheStoreChanges() {
        store.put(ModelKeys.versionKey("payments", 1), new byte[] {9});
        assertNull(resolver.resolve("payments", store));
        int reads = store.reads;
        assertNull(resolver.resolve("payments", store));
        assertEquals(reads, store.reads, "the same store is not read again for a model it cannot serve");

        store.put(ModelKeys.versionKey("payments", 2), bytes(TestModels.standardNormal("payments", 2, 1.0)));
        registry.storeChanged();
        assertEquals(2, resolver.resolve("payments", store).version());
    }

    @Test
    void warmUpLoadsEveryStoredModel() {
        store.put(ModelKeys.versionKey("a", 1), bytes(TestModels.standardNormal("a", 1, 1.0)));
        store.put(ModelKeys.versionKey("b", 5), bytes(TestModels.standardNormal("b", 5, 1.0)));
        resolver.warmUp(store);
        assertEquals(1, registry.get("a").version());
        assertEquals(5, registry.get("b").version());
    }

    /** A sorted map behind the read-only store interface; counts reads. */
    private static final class MapStore implements ReadOnlyKeyValueStore<String, byte[]> {
        final NavigableMap<String, byte[]> data = new TreeMap<>();
        int reads;

        void put(String key, byte[] value) {
            data.put(key, value);
        }

        @Override
        public byte[] get(String key) {
            reads++;
            return data.get(key);
        }

        @Override
        public KeyValueIterator<String, byte[]> range(String from, String to) {
            reads++;
            return iterator(data.subMap(from, true, to, true));
        }

        @Override
        public KeyValueIterator<String, byte[]> all() {
            reads++;
            return iterator(data);
        }

        @Override
        public long approximateNumEntries() {
            return data.size();
        }

        private static KeyValueIterator<String, byte[]> iterator(Map<String, byte[]> m) {
            Iterator<Map.Entry<String, byte[]>> it = new TreeMap<>(m).entrySet().iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, byte[]> next() {
                    Map.Entry<String, byte[]> e = it.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }

                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
