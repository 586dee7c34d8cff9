package io.normalcy.detector.model;

import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.ModelKeys;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads models into the {@link ModelRegistry} from the global model store when the registry does not have them.
 * Why: the registry lives in memory while the store is restored from the compacted models topic at start-up;
 * if Kafka Streams restores the store without replaying it through the global processor (it did before 3.7 for
 * in-place restoration), the registry would be empty after a restart and every record would be parked. So a
 * registry miss rebuilds the model's {@link ModelLedger} from the store (validating every record again: the store
 * may then hold anything the topic held, junk included) and serves what the ledger says, the same answer the
 * processor computes; {@link #warmUp} does so for every model in the store when a stream task starts. A model
 * with nothing to serve is looked at again only after the store changed.
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
        if (m != null || store == null || registry.knownUnservable(name)) {
            return m;
        }
        loadFromStore(name, store);
        return registry.get(name);
    }

    /** Loads every stored model the registry lacks. */
    public void warmUp(ReadOnlyKeyValueStore<String, byte[]> store) {
        Set<String> names = new TreeSet<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> names.add(ModelKeys.modelOf(kv.key)));
        }
        for (String name : names) {
            if (registry.get(name) == null && !registry.knownUnservable(name)) {
                loadFromStore(name, store);
            }
        }
    }

    private void loadFromStore(String name, ReadOnlyKeyValueStore<String, byte[]> store) {
        long generation = registry.generation();
        ModelLedger ledger = new ModelLedger(loader, modelsTopic);
        LoadedModel[] newest = {null};
        ledger.replay(entriesOf(name, store), outcome -> {
            if (outcome instanceof ModelLedger.Rejected r) {
                metrics.rejected(r.model(), r.reason().label());
                LOG.warn("Rejected a stored record of model {} ({}): {}", r.model(), r.reason().label(), r.message());
            } else if (outcome instanceof ModelLedger.Accepted a && a.loaded() != null && name.equals(a.model())
                    && (newest[0] == null || a.loaded().version() > newest[0].version())) {
                newest[0] = a.loaded();
            }
        });
        ModelLedger.Served served = ledger.loadServed(name, store, newest[0]);
        if (served == null) {
            registry.markUnservable(name, generation);
            return;
        }
        if (registry.installIfAbsent(served.model(), served.serving())) {
            LOG.info("Loaded model {} v{}{} from the global model store", name, served.model().version(),
                    served.serving().pinned() ? " (pinned; newest v" + served.serving().newest() + ")" : "");
        }
    }

    /** The records of {@code name}: its legacy key and every {@code name/...} key. */
    private static Iterator<KeyValue<String, byte[]>> entriesOf(String name, ReadOnlyKeyValueStore<String, byte[]> store) {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        byte[] legacy = store.get(name);
        if (legacy != null) {
            entries.add(KeyValue.pair(name, legacy));
        }
        String from = name + ModelKeys.SEPARATOR;
        String to = name + (char) (ModelKeys.SEPARATOR + 1);
        try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
            it.forEachRemaining(kv -> {
                if (kv.key.startsWith(from)) {
                    entries.add(kv);
                }
            });
        }
        return entries.iterator();
    }
}
