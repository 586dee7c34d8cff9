package io.normalcy.flow.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Calibrated alert thresholds on log p(x | c). A density below the {@code level}-quantile of held-out normal data
 * is rarer than {@code level} under the model, which is what an anomaly score should mean. Per-context
 * thresholds exist because densities of different contexts (e.g. countries) live on different scales; the
 * scope of a record is the first categorical field, in {@code scopeFields} (ContextSpec) order, whose value
 * has a non-fallback threshold, else the global one. Immutable and thread-safe.
 */
public final class Thresholds {
    private final List<ThresholdLevel> levels;
    private final List<String> scopeFields;

    /**
     * @param levels      the calibrated levels, any order (sorted here from least to most severe: decreasing level)
     * @param scopeFields categorical context fields in ContextSpec order
     */
    public Thresholds(List<ThresholdLevel> levels, List<String> scopeFields) {
        List<ThresholdLevel> sorted = new ArrayList<>(levels);
        sorted.sort(Comparator.comparingDouble(ThresholdLevel::level).reversed());
        for (int i = 1; i < sorted.size(); i++) {
            ThresholdLevel a = sorted.get(i - 1);
            ThresholdLevel b = sorted.get(i);
            if (a.level() == b.level()) {
                throw new IllegalArgumentException("duplicate threshold level " + a.level());
            }
            if (b.severity().compareTo(a.severity()) < 0) {
                throw new IllegalArgumentException("threshold level " + b.level() + " (" + b.severity()
                        + ") is rarer than level " + a.level() + " (" + a.severity() + ") but less severe");
            }
        }
        for (ThresholdLevel l : sorted) {
            for (String field : l.perContext().keySet()) {
                if (!scopeFields.contains(field)) {
                    throw new IllegalArgumentException("threshold level " + l.level()
                            + " has per-context thresholds for '" + field + "', not a categorical context field");
                }
            }
        }
        this.levels = List.copyOf(sorted);
        this.scopeFields = List.copyOf(scopeFields);
    }

    /** Thresholds with no levels: every record is NORMAL. */
    public static Thresholds none() {
        return new Thresholds(List.of(), List.of());
    }

    /** Sorted from least to most severe. */
    public List<ThresholdLevel> levels() {
        return levels;
    }

    public List<String> scopeFields() {
        return scopeFields;
    }

    /**
     * Most severe level whose threshold {@code logDensity} is below. When none is crossed the result is NORMAL
     * with the least severe level's threshold (NaN when there are no levels). Allocates only the scope string.
     */
    public Evaluation evaluate(double logDensity, Map<String, String> context) {
        if (levels.isEmpty()) {
            return new Evaluation(Severity.NORMAL, Double.NaN, Double.NaN, "global");
        }
        String scopeField = null;
        String scopeValue = null;
        if (context != null && !context.isEmpty()) {
            ThresholdLevel first = levels.get(0);
            for (int f = 0; f < scopeFields.size() && scopeField == null; f++) {
                String field = scopeFields.get(f);
                String value = context.get(field);
                if (value != null) {
                    ContextThreshold t = first.forContext(field, value);
                    if (t != null && !t.fallback()) {
                        scopeField = field;
                        scopeValue = value;
                    }
                }
            }
        }
        String scope = scopeField == null ? "global" : scopeField + "=" + scopeValue;
        for (int i = levels.size() - 1; i >= 0; i--) {
            ThresholdLevel l = levels.get(i);
            double threshold = threshold(l, scopeField, scopeValue);
            if (logDensity < threshold) {
                return new Evaluation(l.severity(), threshold, l.level(), scope);
            }
        }
        ThresholdLevel least = levels.get(0);
        return new Evaluation(Severity.NORMAL, threshold(least, scopeField, scopeValue), least.level(), scope);
    }

    private static double threshold(ThresholdLevel l, String field, String value) {
        if (field == null) {
            return l.global();
        }
        ContextThreshold t = l.forContext(field, value);
        return t == null || t.fallback() ? l.global() : t.threshold();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds t && t.levels.equals(levels) && t.scopeFields.equals(scopeFields);
    }

    @Override
    public int hashCode() {
        return levels.hashCode() * 31 + scopeFields.hashCode();
    }

    @Override
    public String toString() {
        return "Thresholds" + levels;
    }
}
