package io.normalcy.detector.topology;

import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.config.DriftSettings;
import io.normalcy.detector.drift.DriftMonitor;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelLedger;
import io.normalcy.detector.model.ModelLoader;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.model.ModelRejectedException;
import io.normalcy.detector.model.ModelResolver;
import io.normalcy.detector.model.ModelSignatureVerifier;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ModelsTopicDecoder;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The detector's scoring outside Kafka Streams, for bounded re-scoring (backfill) and model checks (replay of
 * parked records): it runs the very processors of {@link DetectorTopology} — {@link ModelStoreProcessor} over the
 * models topic (decoding, validation, signature check, pins and retirements) and {@link ScoringProcessor} over the
 * input records (decoding, context checks, scores, thresholds, cool-down, expected ranges, size limits, dead
 * letters) — on a {@link BatchContext} instead of a stream task, so a re-score cannot drift from what the live
 * detector computes. Differences, by design: no drift monitoring (a historical range must not request retrains),
 * scores are always written, there are no subscription copies, and a record whose model has no version is
 * returned as {@link Kind#NO_MODEL} instead of being parked. Single-threaded.
 */
public final class BatchScorer {
    /** Names of outputs that the batch run never writes (parking, retrain): reported, not produced. */
    private static final String PARKED = "normalcy.batch.no-model";
    private static final String RETRAIN = "normalcy.batch.retrain";

    /** Headers the detector adds to a parked record (its original key, value and headers are kept). */
    public static final List<String> PARKING_HEADERS = List.of(ScoringProcessor.PARKING_REASON_HEADER,
            ScoringProcessor.PARKING_MODEL_HEADER, ScoringProcessor.PARKING_SOURCE_HEADER);
    public static final String PARKING_MODEL_HEADER = ScoringProcessor.PARKING_MODEL_HEADER;
    public static final String PARKING_SOURCE_HEADER = ScoringProcessor.PARKING_SOURCE_HEADER;

    /** What an output of a scored input is. */
    public enum Kind { SCORE, ALERT, DEAD_LETTER, NO_MODEL, OTHER }

    /** One output record, serialized as the detector writes it. */
    public record Out(Kind kind, String topic, byte[] key, byte[] value, Headers headers, long timestamp) {
    }

    private final DetectorTopics topics;
    private final ModelRegistry registry = new ModelRegistry(DetectorMetrics.inMemory());
    private final ModelLoader loader;
    private final MapStore<String, byte[]> modelStore = new MapStore<>(DetectorTopology.MODEL_STORE);
    private final ModelStoreProcessor models;
    private final BatchContext context;
    private final ScoringProcessor scoring;

    /**
     * @param topics   where scores, alerts and dead letters go (the input topic names only label the run)
     * @param settings the detector's settings (drift is switched off and scores on, see the class comment)
     * @param outputs  the producer's per-record limit; every subscription topic is taken to exist
     * @param registry schema registry for Confluent-framed inputs, or null
     */
    public BatchScorer(DetectorTopics topics, DetectorSettings settings, OutputSettings outputs,
                       SchemaRegistryClient registry) {
        DetectorSettings batch = settings.withScoresEnabled(true).withDrift(new DriftSettings(false,
                DriftSettings.defaults().windowSize(), DriftSettings.defaults().minRecords(),
                DriftSettings.defaults().rateFactor(), 0.0, DriftSettings.defaults().rateLimit()));
        this.topics = new DetectorTopics(topics.inputs(), topics.scores(), topics.alerts(), topics.models(), RETRAIN,
                topics.subscriptions(), topics.dlq(), PARKED);
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        this.loader = new ModelLoader(new ModelSignatureVerifier(batch.signing()), Clock.systemUTC());
        ModelResolver resolver = new ModelResolver(this.registry, loader, metrics, topics.models());
        TopologyContext deps = new TopologyContext(this.topics, batch, resolver, new SubscriptionRegistry(),
                new DriftMonitor(batch.drift()), metrics, new OutputSettings(outputs.maxRecordSize(), KnownTopics.all()),
                registry);
        this.context = new BatchContext(List.of(modelStore,
                new MapStore<String, Long>(DetectorTopology.COOLDOWN_STORE),
                new MapStore<String, byte[]>(DetectorTopology.SUBSCRIPTION_STORE),
                // derived features: each entity's history starts empty at the range's start and warms up
                new MapStore<String, byte[]>(DetectorTopology.HISTORY_STORE)));
        this.models = new ModelStoreProcessor(DetectorTopology.MODEL_STORE, this.registry,
                new ModelLedger(loader, topics.models()), metrics);
        this.models.init(context.forModels());
        this.scoring = new ScoringProcessor(deps);
    }

    /** Applies one record of the models topic, exactly as the detector's global model store does. */
    public void model(String key, byte[] value, Headers headers, long timestamp) {
        requireNotStarted();
        models.process(new Record<>(key, value, timestamp, headers == null ? new RecordHeaders() : headers));
    }

    /** The version the detector would serve for {@code model} after the records applied so far, or null. */
    public LoadedModel serving(String model) {
        return registry.get(model);
    }

    /**
     * Serves version {@code version} of {@code model} instead of the one the models topic selects (re-scoring
     * with an older or a newer accepted version). The version must have been accepted from the models topic.
     *
     * @throws IllegalArgumentException when the models topic holds no accepted record of that version
     */
    public LoadedModel pin(String model, long version) {
        requireNotStarted();
        String key = ModelKeys.versionKey(model, version);
        byte[] value = modelStore.get(key);
        if (value == null) {
            throw new IllegalArgumentException("model " + model + " has no accepted version " + version
                    + " on the models topic '" + topics.models() + "'");
        }
        try {
            ModelsTopicDecoder.Decoded d = loader.decode(topics.models(), value);
            LoadedModel loaded = loader.load(d.version(), null);
            registry.install(loaded, new ModelLedger.Serving(model, version, key, true, version));
            return loaded;
        } catch (ModelRejectedException e) {
            throw new IllegalArgumentException("model " + model + " v" + version + ": " + e.getMessage(), e);
        }
    }

    /** Scores one input record with the detector's scoring processor; returns every output it produced. */
    public List<Out> score(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                           Headers headers) {
        if (!context.scoringStarted()) {
            scoring.init(context.forScoring());
        }
        List<Out> out = new ArrayList<>();
        context.run(topic, partition, offset, r -> out.add(new Out(kindOf(r.value().topic()), r.value().topic(),
                r.key(), r.value().value(), r.headers(), r.timestamp())));
        scoring.process(new Record<>(key, value, timestamp, headers == null ? new RecordHeaders() : headers));
        context.run(null, -1, -1L, null);
        return out;
    }

    private Kind kindOf(String topic) {
        if (topic.equals(topics.scores())) {
            return Kind.SCORE;
        } else if (topic.equals(topics.alerts())) {
            return Kind.ALERT;
        } else if (topic.equals(topics.dlq())) {
            return Kind.DEAD_LETTER;
        } else if (topic.equals(PARKED)) {
            return Kind.NO_MODEL;
        }
        return Kind.OTHER;
    }

    private void requireNotStarted() {
        if (context.scoringStarted()) {
            throw new IllegalStateException("models must be applied before the first record is scored");
        }
    }
}
