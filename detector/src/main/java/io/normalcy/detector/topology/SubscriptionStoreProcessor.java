package io.normalcy.detector.topology;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.serde.AvroSerde;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global-store processor of the compacted subscriptions topic: keeps the store and the in-memory
 * {@link SubscriptionRegistry} of compiled filters in step. A tombstone deletes; an undecodable subscription is
 * logged and ignored (the previous definition, if any, is removed so a broken update never routes with stale
 * filters); one whose entity pattern RE2 cannot compile (written before patterns were checked) is kept as unusable:
 * it matches nothing, is logged at WARN and counted ({@code normalcy.subscriptions.unusable}).
 */
final class SubscriptionStoreProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreProcessor.class);

    private final String storeName;
    private final String topic;
    private final SubscriptionRegistry registry;
    private final AvroSerde<AlertSubscription> serde = AvroSerde.of(AlertSubscription.class);
    private KeyValueStore<String, byte[]> store;

    SubscriptionStoreProcessor(String storeName, String topic, SubscriptionRegistry registry) {
        this.storeName = storeName;
        this.topic = topic;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            LOG.warn("Ignoring subscription record without key on {}", topic);
            return;
        }
        if (record.value() == null) {
            store.delete(key);
            registry.remove(key);
            LOG.info("Subscription {} deleted", key);
            return;
        }
        SubscriptionMatcher m = compile(serde, topic, key, record.value());
        if (m == null) {
            registry.remove(key);
            store.delete(key);
            return;
        }
        store.put(key, record.value());
        registry.put(m);
        LOG.info("Subscription {} {} (topic {})", key, m.subscription().getEnabled() ? "active" : "disabled",
                m.kafkaTopic());
    }

    /** Fills the registry from the store (after a restart whose restoration bypassed this processor). */
    static void warmUp(ReadOnlyKeyValueStore<String, byte[]> store, String topic, SubscriptionRegistry registry) {
        AvroSerde<AlertSubscription> serde = AvroSerde.of(AlertSubscription.class);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.value != null && registry.get(kv.key) == null) {
                    SubscriptionMatcher m = compile(serde, topic, kv.key, kv.value);
                    if (m != null) {
                        registry.put(m);
                    }
                }
            }
        }
    }

    private static SubscriptionMatcher compile(AvroSerde<AlertSubscription> serde, String topic, String key,
                                               byte[] value) {
        try {
            AlertSubscription s = serde.deserialize(topic, value);
            if (!key.equals(s.getSubscriberId())) {
                LOG.warn("Ignoring subscription: record key '{}' differs from subscriberId '{}'", key,
                        s.getSubscriberId());
                return null;
            }
            return new SubscriptionMatcher(s);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring invalid subscription {}: {}", key, e.getMessage());
            return null;
        }
    }
}
