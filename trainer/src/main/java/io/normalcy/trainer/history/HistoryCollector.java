package io.normalcy.trainer.history;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.trainer.config.ModelDefinition;

import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.schemas.derived.HistoryLimit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gathers the training rows of one model from any source: validates each ({@link RecordValidator}), counts
 * skips by reason, adds the model's derived features, and keeps at most {@code maxRecords} rows — the most recently
 * read ones, as a retrain should learn the current behaviour — then sorts them by event time.
 *
 * <p>Derived features ({@link DerivedFeatures}) are computed here, in the order the source offers the records
 * (offset order per partition, file order), per entity, from valid rows only: the order and the rule the detector
 * applies when it consumes the same records, so training rows and scored vectors agree. The history starts empty
 * at the start of the read window (an entity's first events in the window warm up) and before the cap drops rows;
 * each entity's history is bounded by the same {@link HistoryLimit} as the detector's stored one.
 */
public final class HistoryCollector {
    private final RecordValidator validator;
    private final SkipSummary skips = new SkipSummary();
    private final ArrayDeque<RawRecord> rows = new ArrayDeque<>();
    private final long maxRecords;
    private long offered;
    private long dropped;
    private final DerivedFeatures derived;
    private final HistoryLimit limit;
    private final Map<String, EntityHistory> histories = new HashMap<>();

    /** Derives with the default {@link HistoryLimit} (the detector's unless configured otherwise). */
    public HistoryCollector(ModelDefinition def, long maxRecords) {
        this(def, maxRecords, HistoryLimit.DEFAULT);
    }

    /**
     * @param limit how much of each entity's history derived features see: the detector's
     *              {@code normalcy.detector.history.*} limit, so that the values match what it will score
     *              ({@code normalcy.trainer.history.*})
     */
    public HistoryCollector(ModelDefinition def, long maxRecords, HistoryLimit limit) {
        this.validator = new RecordValidator(def);
        this.maxRecords = maxRecords;
        this.derived = def.derivedFeatures();
        this.limit = limit;
    }

    /** A record without an entity (e.g. a CSV file without an {@code entity} column): one history for them all. */
    public boolean offer(RawRecord r, String where) {
        return offer(r, "", where);
    }

    /**
     * @param entity the record's entity (whose history its derived features come from)
     * @param where  position for messages, e.g. {@code normalcy.features-2@1734} or {@code data.csv line 5}
     */
    public boolean offer(RawRecord raw, String entity, String where) {
        RawRecord r = raw;
        offered++;
        StringBuilder detail = new StringBuilder();
        SkipReason reason = validator.check(r, detail);
        if (reason != null) {
            skips.add(reason, where + ": " + detail);
            return false;
        }
        if (!derived.isEmpty()) {
            r = withDerived(r, entity == null ? "" : entity);
        }
        rows.addLast(r);
        if (rows.size() > maxRecords) {
            rows.removeFirst();
            dropped++;
        }
        return true;
    }

    private RawRecord withDerived(RawRecord r, String entity) {
        DerivedFeatures.Derivation d = derived.derive(histories.get(entity), r.eventTime(), r.features(), limit);
        histories.put(entity, d.next());
        Map<String, Double> features = new HashMap<>(r.features());
        features.putAll(d.values());
        return new RawRecord(features, r.context(), r.contextNumeric(), r.eventTime());
    }

    public void skip(SkipReason reason, String example) {
        offered++;
        skips.add(reason, example);
    }

    public SkipSummary skips() {
        return skips;
    }

    public long offered() {
        return offered;
    }

    /** Valid rows beyond the cap that were dropped (the oldest ones). */
    public long dropped() {
        return dropped;
    }

    /**
     * Raw features of the model (declared or inferred), or null if no valid row was seen and none were declared;
     * the rows carry the derived ones too ({@link ModelDefinition#modelFeatures()}).
     */
    public List<String> features() {
        return validator.features();
    }

    public List<RawRecord> rows() {
        List<RawRecord> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingLong(RawRecord::eventTime));
        return out;
    }
}
