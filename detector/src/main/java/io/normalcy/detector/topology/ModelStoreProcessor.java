package io.normalcy.detector.topology;

import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelLedger;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.schemas.ModelKeys;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global-store processor of the models topic: applies each record to the {@link ModelLedger} (validation, key and
 * signature checks, duplicate versions, retirements, pins), stores the accepted ones under their key and swaps
 * the version the ledger now serves into the {@link ModelRegistry}. Rejected records (junk, tombstones, replays
 * of older pins, forgeries) are logged at WARN, counted ({@code normalcy.models.rejected{model,reason}}) and never
 * stored, so the store only ever holds records that passed validation and the served version keeps serving.
 * Runs on the global stream thread.
 *
 * <p>The ledger is shared by the processor instances of one topology: Kafka Streams (3.7+) restores the global
 * store by replaying the topic through a first instance, then processes new records with a second one. When the
 * ledger is still empty at {@link #init} (a restoration that copied the topic into the store without the
 * processor, or records accepted by an earlier ledger), it is rebuilt from the store, validating everything again.
 */
final class ModelStoreProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);

    private final String storeName;
    private final ModelRegistry registry;
    private final ModelLedger ledger;
    private final DetectorMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    ModelStoreProcessor(String storeName, ModelRegistry registry, ModelLedger ledger, DetectorMetrics metrics) {
        this.storeName = storeName;
        this.registry = registry;
        this.ledger = ledger;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        if (!ledger.isEmpty()) {
            return;
        }
        Map<String, LoadedModel> newest = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            ledger.replay(it, outcome -> {
                if (outcome instanceof ModelLedger.Rejected r) {
                    reject(r);
                } else if (outcome instanceof ModelLedger.Accepted a && a.loaded() != null) {
                    newest.merge(a.model(), a.loaded(), (x, y) -> x.version() >= y.version() ? x : y);
                }
            });
        }
        for (String model : ledger.models()) {
            serve(model, newest.get(model));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        ModelLedger.Outcome outcome = ledger.apply(record.key(), record.value(), keyId(record.headers()));
        if (outcome instanceof ModelLedger.Rejected r) {
            reject(r);
        } else if (outcome instanceof ModelLedger.Ignored i) {
            LOG.debug("Models topic: {} ({}): nothing new", record.key(), i.why());
        } else if (outcome instanceof ModelLedger.Accepted a) {
            store.put(record.key(), record.value());
            registry.storeChanged();
            LOG.info("Models topic: accepted {} ({})", a.what(), record.key());
            serve(a.model(), a.loaded());
        }
    }

    /**
     * Puts the version the ledger serves for {@code model} into the registry (or removes the model). Reuses the
     * just validated {@code fresh} model or the one in use when it is the served version, else loads it from the
     * store (a pin or a retirement moved to another version).
     */
    private void serve(String model, LoadedModel fresh) {
        ModelLedger.Serving s = ledger.serving(model);
        LoadedModel current = registry.get(model);
        LoadedModel candidate = s == null ? null : fresh != null && fresh.version() == s.version() ? fresh : current;
        ModelLedger.Served served = ledger.loadServed(model, store, candidate);
        if (served == null) {
            if (current != null) {
                registry.remove(model);
                LOG.warn("Model {} has no servable version any more (every version retired): its records are "
                        + "parked until a new version arrives", model);
            }
            return;
        }
        if (registry.install(served.model(), served.serving())) {
            LoadedModel m = served.model();
            LOG.info("Model {} now v{}{} ({} features, digest {})", model, m.version(),
                    served.serving().pinned() ? " (pinned; newest v" + served.serving().newest() + ")" : "",
                    m.model().featureNames().size(), m.digestHex());
        }
    }

    private void reject(ModelLedger.Rejected r) {
        metrics.rejected(r.model(), r.reason().label());
        LoadedModel current = registry.get(r.model());
        LOG.warn("Rejected a record of model {} ({}): {}; {}", r.model(), r.reason().label(), r.message(),
                current == null ? "no version of it is in use" : "v" + current.version() + " keeps serving");
    }

    private static String keyId(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(ModelKeys.KEY_ID_HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
