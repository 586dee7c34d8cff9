package io.normalcy.flow.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One calibrated alert level: {@code global} is the {@code level}-quantile of the held-out log-density (so about
 * a fraction {@code level} of normal traffic falls below it; read off the fitted lower tail where the level is
 * rare, see {@code ThresholdCalibrator}), {@code perContext} the same quantile per value of each categorical
 * context field (field → value → threshold), {@code perCombination} the same quantile per combination of values of
 * all categorical fields that has a threshold of its own at this level (model format 5; empty for older models and
 * models with fewer than two categorical fields). Maps keep insertion order and are unmodifiable.
 */
public record ThresholdLevel(double level, Severity severity, double global, long globalCount,
                             Map<String, Map<String, ContextThreshold>> perContext,
                             Map<ContextCombination, ContextThreshold> perCombination) {
    public ThresholdLevel {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("threshold level must be in (0, 1): " + level);
        }
        Objects.requireNonNull(severity, "severity");
        if (severity == Severity.NORMAL) {
            throw new IllegalArgumentException("threshold level " + level + " has severity NORMAL");
        }
        if (!Double.isFinite(global)) {
            throw new IllegalArgumentException("global threshold at level " + level + " is not finite: " + global);
        }
        if (globalCount < 0) {
            throw new IllegalArgumentException("global count < 0: " + globalCount);
        }
        Map<String, Map<String, ContextThreshold>> copy = new LinkedHashMap<>();
        if (perContext != null) {
            perContext.forEach((field, values) -> {
                Map<String, ContextThreshold> inner = new LinkedHashMap<>();
                values.forEach((value, t) -> {
                    if (!Double.isFinite(t.threshold())) {
                        throw new IllegalArgumentException("threshold at level " + level + " for " + field + "="
                                + value + " is not finite: " + t.threshold());
                    }
                    inner.put(value, t);
                });
                copy.put(field, Collections.unmodifiableMap(inner));
            });
        }
        perContext = Collections.unmodifiableMap(copy);
        Map<ContextCombination, ContextThreshold> combinations = new LinkedHashMap<>();
        if (perCombination != null) {
            perCombination.forEach((combination, t) -> {
                Objects.requireNonNull(combination, "combination");
                Objects.requireNonNull(t, "threshold of " + combination);
                if (!Double.isFinite(t.threshold())) {
                    throw new IllegalArgumentException("threshold at level " + level + " for " + combination
                            + " is not finite: " + t.threshold());
                }
                combinations.put(combination, t);
            });
        }
        perCombination = Collections.unmodifiableMap(combinations);
    }

    /** A level without combination thresholds (formats 1–4, or a single categorical field). */
    public ThresholdLevel(double level, Severity severity, double global, long globalCount,
                          Map<String, Map<String, ContextThreshold>> perContext) {
        this(level, severity, global, globalCount, perContext, Map.of());
    }

    /** Threshold for {@code field=value}, or null when there is none. */
    public ContextThreshold forContext(String field, String value) {
        Map<String, ContextThreshold> values = perContext.get(field);
        return values == null ? null : values.get(value);
    }

    /** Threshold for a combination, or null when there is none. */
    public ContextThreshold forCombination(ContextCombination combination) {
        return perCombination.get(combination);
    }
}
