package io.normalcy.detector.topology;

import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelLoader;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.model.ModelRejectedException;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global-store processor of the models topic: validates each new version and, if valid and newer than the one in
 * use, stores its bytes and swaps it into the {@link ModelRegistry}. Rejected versions are logged at WARN,
 * counted ({@code normalcy.models.rejected{model,reason}}) and never stored, so the store (and thus a restarted
 * detector) only ever holds versions that passed validation, and the previous version keeps serving. A tombstone
 * removes the model (its records are parked until a new version arrives). Runs on the global stream thread.
 */
final class ModelStoreProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);

    private final String storeName;
    private final String topic;
    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final DetectorMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    ModelStoreProcessor(String storeName, String topic, ModelRegistry registry, ModelLoader loader,
                        DetectorMetrics metrics) {
        this.storeName = storeName;
        this.topic = topic;
        this.registry = registry;
        this.loader = loader;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (record.value() == null) {
            if (key != null) {
                store.delete(key);
                registry.remove(key);
                LOG.info("Model {} deleted (tombstone): its records are parked until a new version arrives", key);
            }
            return;
        }
        String label = key == null ? "unknown" : key;
        ModelVersion mv;
        try {
            mv = loader.decode(topic, record.value());
        } catch (ModelRejectedException e) {
            reject(label, null, e);
            return;
        }
        String name = mv.getModel() == null ? label : mv.getModel();
        if (registry.hasAtLeast(name, mv.getVersion())) {
            LOG.debug("Ignoring model {} v{}: not newer than the version in use", name, mv.getVersion());
            return;
        }
        LoadedModel loaded;
        try {
            loaded = loader.load(key, mv);
        } catch (ModelRejectedException e) {
            reject(name, mv, e);
            return;
        }
        store.put(name, record.value());
        if (registry.offer(loaded)) {
            LOG.info("Model {} now v{} ({} features, digest {})", name, loaded.version(),
                    loaded.model().featureNames().size(), loaded.digestHex());
        }
    }

    private void reject(String name, ModelVersion mv, ModelRejectedException e) {
        metrics.rejected(name, e.reason());
        LoadedModel current = registry.get(name);
        LOG.warn("Rejected model {}{} ({}): {}; {}", name, mv == null ? "" : " v" + mv.getVersion(), e.reason(),
                e.getMessage(), current == null ? "no version of it is in use"
                        : "v" + current.version() + " keeps serving");
    }
}
