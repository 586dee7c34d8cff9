package io.normalcy.detector.topology;

import io.normalcy.avro.FeatureVector;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Reason;
import io.normalcy.flow.model.SkippedRecordException;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.schemas.derived.InvalidHistoryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring path's derived features (issue 12): reads the entity's history from the changelogged
 * {@value DetectorTopology#HISTORY_STORE} store, computes the model's derived features with the shared
 * {@link DerivedFeatures#derive} (the trainer's code) and, once the record is scored, writes the advanced history
 * back. The write happens in the same processor step as the outputs, so under exactly-once the history, the
 * outputs and the input offset commit together: a crash replays the record against the history as it was.
 *
 * <p>Keyed by model and entity (capped like the cool-down key): each model keeps its own history of an entity. A
 * task holds the histories of its partitions only, so an entity's records must all go to one partition: true when
 * the record key is the entity (a mapping's default, and what feature-vector producers are asked to do). History
 * bytes that cannot be read are logged and replaced by a fresh history (the entity warms up again) rather than
 * dead-lettering every later record of the entity. Each stored history is bounded by the configured
 * {@link HistoryLimit} (events and bytes; {@code normalcy.detector.history.*}), applied inside the shared derivation
 * so the trainer, deriving with the same limit, computes the same values. Not thread-safe (one per task).
 */
final class EntityHistories {
    private static final Logger LOG = LoggerFactory.getLogger(EntityHistories.class);
    private static final char SEP = '\u001F';

    private final KeyValueStore<String, byte[]> store;
    private final HistoryLimit limit;

    /** A record with its derived features, and the history to store once it is scored (null: nothing to store). */
    record Derived(FeatureVector vector, String key, EntityHistory next) {
    }

    EntityHistories(KeyValueStore<String, byte[]> store, HistoryLimit limit) {
        this.store = store;
        this.limit = limit;
    }

    /**
     * @return {@code fv} with the model's derived features added (unchanged for a model without any)
     * @throws InvalidInputException when a source feature is missing or not finite (the record is dead-lettered
     *                               and does not enter the history, as the trainer skips such a row); a
     *                               {@link SkippedRecordException} when the missing source's policy is skip (a
     *                               source cannot be imputed: the model refuses that policy)
     */
    Derived derive(NormalcyModel model, FeatureVector fv, long eventTime) {
        DerivedFeatures spec = model.derived();
        if (spec.isEmpty()) {
            return new Derived(fv, null, null);
        }
        Map<String, Double> raw = fv.getFeatures();
        for (String s : spec.sources()) {
            Double v = raw.get(s);
            if (v == null) {
                if (model.missing().policy(s) == MissingPolicy.SKIP) {
                    throw new SkippedRecordException(model.name(), List.of(s)); // not scored: no history entry
                }
                throw new InvalidInputException(Reason.MISSING_FEATURE, "feature '" + s + "' is missing (model "
                        + model.name() + " derives " + spec.names() + " from it)");
            }
            if (!Double.isFinite(v)) {
                throw new InvalidInputException(Reason.NON_FINITE_FEATURE, "feature '" + s + "' = " + v);
            }
        }
        String key = model.name() + SEP + Truncation.cap(fv.getEntity());
        DerivedFeatures.Derivation d = spec.derive(history(key), eventTime, raw, limit);
        Map<String, Double> features = new LinkedHashMap<>(raw);
        features.putAll(d.values());
        return new Derived(FeatureVector.newBuilder(fv).setFeatures(features).build(), key, d.next());
    }

    /** Stores the advanced history of a scored record. */
    void commit(Derived d) {
        if (d.key() != null) {
            store.put(d.key(), d.next().toBytes());
        }
    }

    private EntityHistory history(String key) {
        byte[] bytes = store.get(key);
        if (bytes == null) {
            return null;
        }
        try {
            return EntityHistory.fromBytes(bytes);
        } catch (InvalidHistoryException e) {
            LOG.warn("Entity history {} is unreadable, starting it afresh: {}", key.replace(SEP, '/'),
                    e.getMessage());
            return null;
        }
    }
}
