package io.normalcy.flow.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A combination of values of several categorical context fields ({@code entityType=grocery,region=eu}), the scope
 * of a combination threshold ({@link ThresholdLevel#perCombination}). Why it exists: one threshold per entity type
 * applied to every region alerts ×0.78 in one region and ×1.2 in others even with the exact density
 * (docs/benchmarks.md, "What a perfect model gets"); a combination with enough held-out rows gets its own.
 *
 * @param fields categorical fields, in ContextSpec order (the stored thresholds use all of them)
 * @param values their values, one per field
 */
public record ContextCombination(List<String> fields, List<String> values) {
    public ContextCombination {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(values, "values");
        fields = List.copyOf(fields);
        values = List.copyOf(values);
        if (fields.size() != values.size()) {
            throw new IllegalArgumentException("combination " + fields + " = " + values + " has " + fields.size()
                    + " fields but " + values.size() + " values");
        }
        if (fields.size() < 2) {
            throw new IllegalArgumentException("a combination needs at least two fields, got " + fields);
        }
        if (new HashSet<>(fields).size() != fields.size()) {
            throw new IllegalArgumentException("combination names a field twice: " + fields);
        }
    }

    /** {@code field=value} pairs joined by commas, in field order: the detector's scope notation. */
    public String scope() {
        return scope(fields, values);
    }

    /** {@code fields[i]=values[i]} joined by commas: the scope notation shared with the calibrator's context nodes. */
    public static String scope(List<String> fields, List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(fields.get(i)).append('=').append(values.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return scope();
    }
}
