package io.normalcy.detector.model;

import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.Arrays;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads models into the {@link ModelRegistry} from the global model store when the registry does not have them.
 * Why: the registry lives in memory while the store is restored from the compacted models topic at start-up;
 * if Kafka Streams restores the store without replaying it through the global processor (it did before 3.7 for
 * in-place restoration), the registry would be empty after a restart and every record would be parked. So a
 * registry miss reads the store (once per stored value: a value that fails validation is remembered), and
 * {@link #warmUp} loads everything the store holds when a stream task starts.
 */
public final class ModelResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final DetectorMetrics metrics;
    private final String modelsTopic;

    public ModelResolver(ModelRegistry registry, ModelLoader loader, DetectorMetrics metrics, String modelsTopic) {
        this.registry = registry;
        this.loader = loader;
        this.metrics = metrics;
        this.modelsTopic = modelsTopic;
    }

    /** The version in use for {@code name}, loading it from {@code store} on a miss; null when there is none. */
    public LoadedModel resolve(String name, ReadOnlyKeyValueStore<String, byte[]> store) {
        LoadedModel m = registry.get(name);
        if (m != null || store == null) {
            return m;
        }
        byte[] bytes = store.get(name);
        if (bytes == null) {
            return null;
        }
        loadFromStore(name, bytes);
        return registry.get(name);
    }

    /** Loads every stored model the registry lacks. */
    public void warmUp(ReadOnlyKeyValueStore<String, byte[]> store) {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.value != null && registry.get(kv.key) == null) {
                    loadFromStore(kv.key, kv.value);
                }
            }
        }
    }

    private void loadFromStore(String name, byte[] bytes) {
        int hash = Arrays.hashCode(bytes);
        if (registry.alreadyFailed(name, hash)) {
            return;
        }
        try {
            ModelVersion mv = loader.decode(modelsTopic, bytes);
            LoadedModel loaded = loader.load(name, mv);
            if (registry.offer(loaded)) {
                LOG.info("Loaded model {} v{} from the global model store", name, loaded.version());
            }
        } catch (ModelRejectedException e) {
            registry.markFailed(name, hash);
            metrics.rejected(name, e.reason());
            LOG.warn("Rejected stored model {}: {}", name, e.getMessage());
        }
    }
}
