package io.normalcy.flow.fit;

import java.util.Map;

/**
 * One training row as it arrives (from a topic or a CSV): raw feature values in original units, categorical
 * context, numeric context and the event time (epoch millis, UTC; feeds {@code @hourOfDay}/{@code @dayOfWeek}).
 * Null maps are treated as empty. Values are validated by {@link ModelFitter}, not here, so that bad rows can be
 * counted and skipped.
 */
public record RawRecord(Map<String, Double> features, Map<String, String> context,
                        Map<String, Double> contextNumeric, long eventTime) {
    public RawRecord {
        features = features == null ? Map.of() : features;
        context = context == null ? Map.of() : context;
        contextNumeric = contextNumeric == null ? Map.of() : contextNumeric;
    }

    public static RawRecord of(Map<String, Double> features) {
        return new RawRecord(features, Map.of(), Map.of(), 0L);
    }
}
