package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.detector.config.OutputOptions;
import io.normalcy.detector.drift.Drift;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.ExpectedRanges;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.SkippedRecordException;
import io.normalcy.schemas.mapping.MappingException;
import io.normalcy.schemas.mapping.OptionalFeatures;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.UnknownSchemaException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's per-record path: decode → resolve the newest model version → derive the model's per-entity
 * features ({@link EntityHistories}) → score → scores/alerts/subscription copies, with dead letters and parking
 * for everything that cannot be scored. No input can throw out of
 * {@link #process}: every failure becomes a dead letter carrying the original bytes and source coordinates, and
 * every output passes the {@link Emitter}'s size and topic checks, so the stream never dies on data. A model
 * conditioned on categorical context fields scores only records that carry all of them: a missing field is a
 * {@code MISSING_CONTEXT} ({@code MODEL_MISMATCH}) dead letter, because the "unknown" slot stands for values
 * outside the training vocabulary, not for a producer that forgot the field. Scorers are per task (a task runs on
 * one thread at a time) and rebuilt when the registry's version of a model changes, so a swap takes effect at the
 * next record: no record is dropped or scored twice. Per-entity cool-down state lives in a changelogged store (exactly-once with the outputs).
 *
 * <p>The one exception that does leave {@link #process}: a {@code RegistryUnavailableException} while decoding a
 * schema-registry-framed record (the registry client has already retried for {@code normalcy.detector.registry.max-block},
 * kept below the transaction timeout). Dead-lettering would lose good records for an outage, so the exception fails
 * the stream thread instead: under exactly-once its open transaction is aborted, nothing of this record or of the
 * batch is committed, and the detector's exception handler pauses processing until the registry answers again and
 * replaces the thread, which re-reads from the last committed offset ({@code RegistryOutage}). Each record is then
 * scored exactly once after the registry is back.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], Output> {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
    static final String PARKING_REASON_HEADER = "normalcy.parking.reason";
    static final String PARKING_MODEL_HEADER = "normalcy.parking.model";
    static final String PARKING_SOURCE_HEADER = "normalcy.parking.source";
    private static final char SEP = '\u001F';

    private final TopologyContext deps;
    /** Model name → the task's plan of the version in use (rebuilt when the registry's version changes). */
    private final Map<String, ModelPlan> plans = new HashMap<>();
    private final CarriedHeaders carriedHeaders;
    private final OutputOptions.Contributions contributions;
    /** {@link #optionalFeatures} as the decoder's callback, made once (a method reference per record allocates). */
    private final OptionalFeatures optional = this::optionalFeatures;
    private ProcessorContext<byte[], Output> context;
    private Emitter emitter;
    private FeatureDecoder decoder;
    private KeyValueStore<String, Long> coolDown;
    private EntityHistories histories;
    private ReadOnlyKeyValueStore<String, byte[]> modelStore;
    private long streamTime = Long.MIN_VALUE;

    ScoringProcessor(TopologyContext deps) {
        this.deps = deps;
        this.carriedHeaders = new CarriedHeaders(deps.settings().output(), deps.metrics());
        this.contributions = deps.settings().output().contributions();
    }

    @Override
    public void init(ProcessorContext<byte[], Output> ctx) {
        this.context = ctx;
        this.emitter = new Emitter(ctx, deps);
        this.decoder = new FeatureDecoder(deps.settings(), deps.schemaRegistry());
        this.coolDown = ctx.getStateStore(DetectorTopology.COOLDOWN_STORE);
        this.histories = new EntityHistories(ctx.getStateStore(DetectorTopology.HISTORY_STORE),
                deps.settings().history());
        this.modelStore = ctx.getStateStore(DetectorTopology.MODEL_STORE);
        deps.resolver().warmUp(modelStore);
        SubscriptionStoreProcessor.warmUp(ctx.getStateStore(DetectorTopology.SUBSCRIPTION_STORE),
                deps.topics().subscriptions(), deps.subscriptions());
        Duration window = deps.settings().coolDown();
        if (!window.isZero()) {
            Duration every = window.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : window;
            ctx.schedule(every, PunctuationType.WALL_CLOCK_TIME, t -> purgeCoolDown());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Source src = Source.of(context.recordMetadata());
        FeatureVector fv;
        try {
            fv = decoder.decode(src.topic(), record.key(), record.timestamp(), record.value(), optional);
        } catch (RegistryUnavailableException e) {
            throw e; // not the record's fault: the class comment says why this one leaves process()
        } catch (UnknownSchemaException e) {
            deadLetter(record, src, DeadLetterReason.UNKNOWN_SCHEMA, e, null);
            return;
        } catch (MappingException e) {
            deadLetter(record, src, DeadLetterReason.MAPPING, e, null);
            return;
        } catch (RuntimeException e) {
            deadLetter(record, src, DeadLetterReason.DESERIALIZATION, e, null);
            return;
        }
        String modelName = fv.getModel();
        try {
            LoadedModel loaded = deps.resolver().resolve(modelName, modelStore);
            if (loaded == null) {
                emitter.park(record, src, modelName);
                return;
            }
            score(record, src, fv, loaded);
        } catch (SkippedRecordException e) {
            skipped(src, modelName, e);
        } catch (InvalidInputException e) {
            deadLetter(record, src, DeadLetters.reasonOf(e.reason()), e, modelName);
        } catch (RuntimeException e) {
            LOG.warn("Scoring {} with model {} failed: {}", src, modelName, e.toString());
            deadLetter(record, src, DeadLetterReason.SCORING_ERROR, e, modelName);
        }
    }

    /**
     * The features a mapped record of {@code model} may lack: those of the version in use whose missing-value policy
     * is not dead-letter. None while the model has no version (the record is parked and mapped again on replay).
     */
    private Set<String> optionalFeatures(String model) {
        LoadedModel loaded = deps.resolver().resolve(model, modelStore);
        return loaded == null ? Set.of() : loaded.model().missing().entries().keySet();
    }

    /**
     * A record lacking a feature with missing-value policy skip: no score, no alert, no dead letter (the gap is
     * declared expected, and the input stays on its topic); counted per model and feature, and logged at debug.
     */
    private void skipped(Source src, String model, SkippedRecordException e) {
        for (String feature : e.missing()) {
            deps.metrics().skipped(model, feature);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Skipped {}: {}", src, e.getMessage());
        }
    }

    private void score(Record<byte[], byte[]> record, Source src, FeatureVector decoded, LoadedModel loaded) {
        ModelPlan plan = plan(loaded);
        NormalcyModel model = plan.model();
        String name = model.name();
        long eventTime = decoded.getEventTime().toEpochMilli();
        long start = System.nanoTime();
        plan.requireContext(decoded.getContext());
        EntityHistories.Derived derived = histories.derive(model, decoded, eventTime);
        FeatureVector fv = derived.vector();
        Score score = plan.scorer().score(fv.getFeatures(), fv.getContext(), fv.getContextNumeric(), eventTime);
        histories.commit(derived); // only a scored record enters the history (the trainer's rule: valid rows only)
        Evaluation eval = model.thresholds().evaluate(score.logDensity(), fv.getContext());
        DetectorMetrics.ModelMeters meters = plan.meters();
        meters.latency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        meters.scored().increment();
        streamTime = Math.max(streamTime, eventTime);
        long now = context.currentSystemTimeMs();
        meters.eventLag(now - eventTime);
        boolean flagged = eval.severity() != Severity.NORMAL;
        Header[] carried = carriedHeaders.of(record.headers());
        if (deps.settings().scoresEnabled() && !emitter.score(EventFactory.scored(fv, plan, src, score, eval, now,
                contributions.includes(flagged)), record.timestamp(), carried)) {
            emitter.oversized(record, src, "score", name);
        }
        if (flagged && !coolingDown(name, fv.getEntity(), eventTime)) {
            alert(record, src, fv, plan, score, eval, now, carried);
        }
        deps.drift().observe(name, model.version(), loaded.warningLevel(), loaded.baselineMean(), flagged,
                score.logDensity(), eventTime)
                .ifPresent(drift -> requestRetrain(model, drift, eventTime, record.timestamp(), now));
    }

    /** The alert of a flagged event, with its explanation, and its subscription copies. */
    private void alert(Record<byte[], byte[]> record, Source src, FeatureVector fv, ModelPlan plan, Score score,
                       Evaluation eval, long now, Header[] carried) {
        String name = plan.model().name();
        int[] top = EventFactory.topIndexes(plan, score, deps.settings().topFeatures());
        ExpectedRanges ranges = expectedRanges(plan.scorer(), fv, fv.getEventTime().toEpochMilli(), top);
        Alert alert = EventFactory.alert(fv, plan, src, score, ranges, eval, top, now);
        deps.metrics().alert(name, eval.severity().name(), eval.scope());
        Emitter.Encoded written = emitter.alert(alert, plan.contextKeys(), record.timestamp(), carried);
        if (written == null) {
            emitter.oversized(record, src, "alert", name);
            return;
        }
        for (SubscriptionMatcher m : deps.subscriptions().matching(alert)) {
            String topic = m.kafkaTopic();
            if (topic != null) {
                emitter.copy(record, src, m.subscriberId(), topic, alert, written);
            }
        }
    }

    /**
     * The alert's expected ranges, computed only for alerts and only for the {@code top} features it shows (each
     * range is a numeric quantile solve; all D of them cost about 20 scores). An explanation must never cost the
     * alert: a failure here is logged and the alert goes out without ranges.
     */
    private ExpectedRanges expectedRanges(Scorer scorer, FeatureVector fv, long eventTime, int[] top) {
        try {
            return scorer.expectedRanges(fv.getFeatures(), fv.getContext(), fv.getContextNumeric(), eventTime,
                    deps.settings().expectedRangeMass(), top);
        } catch (RuntimeException e) {
            LOG.warn("Expected ranges of an alert of model {} failed, sending it without: {}", fv.getModel(),
                    e.toString());
            return null;
        }
    }

    private ModelPlan plan(LoadedModel loaded) {
        ModelPlan plan = plans.get(loaded.name());
        if (plan == null || plan.loaded() != loaded) {
            plan = ModelPlan.of(loaded, deps.metrics(), deps.settings().scoringKernel());
            plans.put(loaded.name(), plan);
        }
        return plan;
    }

    /**
     * True (and counted) when an alert of this model+entity was emitted less than the cool-down ago. A very long
     * entity is keyed by its capped, hashed form: the store's changelog record must fit the producer's limit too.
     */
    private boolean coolingDown(String model, String entity, long eventTime) {
        Duration window = deps.settings().coolDown();
        if (window.isZero()) {
            return false;
        }
        String key = model + SEP + Truncation.cap(entity);
        Long last = coolDown.get(key);
        if (last != null && Math.abs(eventTime - last) < window.toMillis()) {
            deps.metrics().suppressed(model);
            return true;
        }
        coolDown.put(key, last == null ? eventTime : Math.max(last, eventTime));
        return false;
    }

    private void purgeCoolDown() {
        if (streamTime == Long.MIN_VALUE) {
            return;
        }
        long horizon = streamTime - deps.settings().coolDown().toMillis();
        try (KeyValueIterator<String, Long> it = coolDown.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.value < horizon) {
                    coolDown.delete(kv.key);
                }
            }
        }
    }

    private void requestRetrain(NormalcyModel model, Drift drift, long eventTime, long timestamp, long now) {
        String id = UUID.nameUUIDFromBytes((model.name() + SEP + model.version() + SEP + eventTime + SEP + "drift")
                .getBytes(StandardCharsets.UTF_8)).toString();
        RetrainRequest request = RetrainRequest.newBuilder().setRequestId(id).setModel(model.name())
                .setReason(drift.description()).setRequestedAt(Instant.ofEpochMilli(now))
                .setRequestedBy(DeadLetters.APPLICATION).build();
        deps.metrics().retrainRequested(model.name(), drift.kind().label());
        LOG.info("Requesting a retrain of {} (v{}): {}", model.name(), model.version(), drift.description());
        emitter.retrain(request, timestamp);
    }

    private void deadLetter(Record<byte[], byte[]> record, Source src, DeadLetterReason reason, Exception e,
                            String model) {
        emitter.deadLetter(record, src, reason, e.getClass().getName(), e.getMessage(), model);
    }
}
