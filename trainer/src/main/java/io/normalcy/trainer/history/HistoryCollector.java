package io.normalcy.trainer.history;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.trainer.config.ModelDefinition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gathers the training rows of one model from any source: validates each ({@link RecordValidator}), counts
 * skips by reason, and keeps at most {@code maxRecords} rows — the most recently read ones, as a retrain should
 * learn the current behaviour — then sorts them by event time.
 */
public final class HistoryCollector {
    private final RecordValidator validator;
    private final SkipSummary skips = new SkipSummary();
    private final ArrayDeque<RawRecord> rows = new ArrayDeque<>();
    private final long maxRecords;
    private long offered;
    private long dropped;

    public HistoryCollector(ModelDefinition def, long maxRecords) {
        this.validator = new RecordValidator(def);
        this.maxRecords = maxRecords;
    }

    /** @param where position for messages, e.g. {@code normalcy.features-2@1734} or {@code data.csv line 5} */
    public boolean offer(RawRecord r, String where) {
        offered++;
        StringBuilder detail = new StringBuilder();
        SkipReason reason = validator.check(r, detail);
        if (reason != null) {
            skips.add(reason, where + ": " + detail);
            return false;
        }
        rows.addLast(r);
        if (rows.size() > maxRecords) {
            rows.removeFirst();
            dropped++;
        }
        return true;
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

    /** Features of the model (declared or inferred), or null if no valid row was seen and none were declared. */
    public List<String> features() {
        return validator.features();
    }

    public List<RawRecord> rows() {
        List<RawRecord> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingLong(RawRecord::eventTime));
        return out;
    }
}
