package io.normalcy.trainer.history;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of skipped input records by {@link SkipReason}, with the first example message of each reason, so a
 * FAILED status or a report can say "12 MISSING_FEATURE (e.g. offset 17: feature 'amount' is missing)"
 * instead of a bare number. Not thread-safe.
 */
public final class SkipSummary {
    private final EnumMap<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
    private final EnumMap<SkipReason, String> examples = new EnumMap<>(SkipReason.class);

    public void add(SkipReason reason, String example) {
        counts.merge(reason, 1L, Long::sum);
        examples.putIfAbsent(reason, example);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** reason name → count, in enum order */
    public Map<String, Long> byReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    public String example(SkipReason reason) {
        return examples.get(reason);
    }

    /** e.g. {@code 3 skipped: MISSING_FEATURE=2 (e.g. ...), NON_FINITE_FEATURE=1 (e.g. ...)} */
    public String describe() {
        if (counts.isEmpty()) {
            return "0 skipped";
        }
        StringBuilder sb = new StringBuilder().append(total()).append(" skipped: ");
        String sep = "";
        for (Map.Entry<SkipReason, Long> e : counts.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue()).append(" (e.g. ")
                    .append(examples.get(e.getKey())).append(')');
            sep = ", ";
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
