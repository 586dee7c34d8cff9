package io.normalcy.flow.fit;

import io.normalcy.flow.model.ContextCombination;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of the context hierarchy thresholds are calibrated on: global (no fields), one categorical field's
 * value ({@code region=eu}), or a combination of values of several fields ({@code entityType=travel,region=eu}).
 * A more specific node has a more homogeneous log-density distribution but fewer held-out rows; the calibrator
 * uses the most specific one with enough rows for each level ({@link ThresholdCalibrator}).
 *
 * @param fields categorical fields, in ContextSpec order
 * @param values their values, same length
 */
public record ContextNode(List<String> fields, List<String> values) {
    public static final ContextNode GLOBAL = new ContextNode(List.of(), List.of());

    public ContextNode {
        fields = List.copyOf(fields);
        values = List.copyOf(values);
        if (fields.size() != values.size()) {
            throw new IllegalArgumentException("context node has " + fields.size() + " fields but " + values.size()
                    + " values");
        }
    }

    public static ContextNode of(String field, String value) {
        return new ContextNode(List.of(field), List.of(value));
    }

    /**
     * The node of {@code fields} for a record's context, or null when the context lacks one of them.
     */
    public static ContextNode of(List<String> fields, Map<String, String> context) {
        if (context == null) {
            return fields.isEmpty() ? GLOBAL : null;
        }
        List<String> values = new ArrayList<>(fields.size());
        for (String f : fields) {
            String v = context.get(f);
            if (v == null) {
                return null;
            }
            values.add(v);
        }
        return new ContextNode(fields, values);
    }

    /** Number of fields: 0 = global. */
    public int depth() {
        return fields.size();
    }

    /** {@code "global"}, or {@code field=value} pairs joined by commas (the detector's scope notation). */
    public String scope() {
        return fields.isEmpty() ? "global" : ContextCombination.scope(fields, values);
    }

    @Override
    public String toString() {
        return scope();
    }
}
