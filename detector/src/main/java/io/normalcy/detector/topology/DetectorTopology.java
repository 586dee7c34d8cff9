package io.normalcy.detector.topology;

import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.drift.DriftMonitor;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelLedger;
import io.normalcy.detector.model.ModelLoader;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.model.ModelResolver;
import io.normalcy.detector.model.ModelSignatureVerifier;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.registry.SchemaRegistryClient;

import java.time.Clock;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector's Kafka Streams topology, as a pure function of its inputs (used by the Micronaut factory and by
 * the TopologyTestDriver tests):
 * <pre>
 *  normalcy.models ──▶ [global store + ModelStoreProcessor + ModelLedger] ──▶ ModelRegistry (newest valid or pinned)
 *  normalcy.subscriptions ──▶ [global store + SubscriptionStoreProcessor] ──▶ SubscriptionRegistry
 *  inputs (bytes) ──▶ ScoringProcessor (cool-down, history stores) ──▶ dynamic sink: scores | alerts | subscription
 *                                                             topics | dlq | parking | retrain
 * </pre>
 * Inputs are read as raw bytes and decoded inside the processor so that an undecodable record still has its
 * original bytes and coordinates for the dead letter (a deserialization exception handler would only let us
 * skip it). Outputs are serialized and size-checked in the processor ({@link Emitter}): under exactly-once a record
 * the producer refuses would fail the transaction and, re-read after the restart, fail it again. Everything
 * downstream of the source is one sub-topology: with {@code exactly_once_v2} the outputs and the cool-down
 * changelog of a record commit atomically with its input offset, and so does the entity history its derived
 * features were computed from ({@link EntityHistories}).
 */
public final class DetectorTopology {
    public static final String MODEL_STORE = "normalcy-models-store";
    public static final String SUBSCRIPTION_STORE = "normalcy-subscriptions-store";
    public static final String COOLDOWN_STORE = "normalcy-cooldown-store";
    /** Per model and entity: the recent history derived features are computed from ({@link EntityHistories}). */
    public static final String HISTORY_STORE = "normalcy-history-store";

    private DetectorTopology() {
    }

    /** Builds with a fresh subscription registry and the system clock. */
    public static void build(StreamsBuilder builder, DetectorTopics topics, ModelRegistry registry,
                             DetectorSettings settings, DetectorMetrics metrics) {
        build(builder, topics, registry, new SubscriptionRegistry(), settings, metrics);
    }

    /** Builds with Kafka's default producer limit and every subscription topic assumed to exist. */
    public static void build(StreamsBuilder builder, DetectorTopics topics, ModelRegistry registry,
                             SubscriptionRegistry subscriptions, DetectorSettings settings, DetectorMetrics metrics) {
        build(builder, topics, registry, subscriptions, settings, metrics, OutputSettings.defaults());
    }

    /**
     * Adds the detector to {@code builder}.
     *
     * @param subscriptions registry the subscriptions processor maintains (shared with webhook delivery/SSE)
     * @param outputs       the producer's per-record limit (from the effective Streams config) and the topics
     *                      known to exist, so that no output is one the producer would refuse
     */
    public static void build(StreamsBuilder builder, DetectorTopics topics, ModelRegistry registry,
                             SubscriptionRegistry subscriptions, DetectorSettings settings, DetectorMetrics metrics,
                             OutputSettings outputs) {
        build(builder, topics, registry, subscriptions, settings, metrics, outputs, null);
    }

    /**
     * As above, with a schema registry for Confluent-framed input records ({@code schemaRegistry} may be null: such
     * records are then dead-lettered as undecodable, naming the missing {@code normalcy.detector.registry.url}).
     */
    public static void build(StreamsBuilder builder, DetectorTopics topics, ModelRegistry registry,
                             SubscriptionRegistry subscriptions, DetectorSettings settings, DetectorMetrics metrics,
                             OutputSettings outputs, SchemaRegistryClient schemaRegistry) {
        ModelLoader loader = new ModelLoader(new ModelSignatureVerifier(settings.signing()), Clock.systemUTC());
        ModelResolver resolver = new ModelResolver(registry, loader, metrics, topics.models());
        TopologyContext deps = new TopologyContext(topics, settings, resolver, subscriptions,
                new DriftMonitor(settings.drift()), metrics, outputs, schemaRegistry);

        ModelLedger ledger = new ModelLedger(loader, topics.models()); // shared by the restoring and the live processor
        builder.addGlobalStore(globalStore(MODEL_STORE), topics.models(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("models-source"),
                () -> new ModelStoreProcessor(MODEL_STORE, registry, ledger, metrics));
        builder.addGlobalStore(globalStore(SUBSCRIPTION_STORE), topics.subscriptions(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("subscriptions-source"),
                () -> new SubscriptionStoreProcessor(SUBSCRIPTION_STORE, topics.subscriptions(), subscriptions));

        StoreBuilder<?> coolDown = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(COOLDOWN_STORE),
                Serdes.String(), Serdes.Long());
        // persistent (RocksDB) and changelogged: restored locally after a restart, from the changelog elsewhere
        StoreBuilder<?> histories = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE),
                Serdes.String(), Serdes.ByteArray());
        ProcessorSupplier<byte[], byte[], byte[], Output> scoring = new ProcessorSupplier<>() {
            @Override
            public ScoringProcessor get() {
                return new ScoringProcessor(deps);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(coolDown, histories);
            }
        };
        builder.stream(topics.inputs(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("features"))
                .process(scoring, Named.as("score"))
                .to((key, out, ctx) -> out.topic(),
                        Produced.with(Serdes.ByteArray(), new Output.OutputSerde()).withName("outputs"));
    }

    private static StoreBuilder<?> globalStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }
}
