package io.normalcy.flow.state;

import io.normalcy.avro.CombinationThreshold;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.flow.model.ContextCombination;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Thresholds} ⇄ Avro {@code ThresholdSet} list (per-context entries flattened to field/value rows,
 * combination entries to fields/values rows, {@code perCombination}, format 5).
 */
final class ThresholdsCodec {
    private ThresholdsCodec() {
    }

    static List<ThresholdSet> encode(Thresholds t) {
        List<ThresholdSet> out = new ArrayList<>();
        for (ThresholdLevel l : t.levels()) {
            List<io.normalcy.avro.ContextThreshold> ctx = new ArrayList<>();
            l.perContext().forEach((field, values) -> values.forEach((value, c) ->
                    ctx.add(io.normalcy.avro.ContextThreshold.newBuilder().setField(field).setValue(value)
                            .setThreshold(c.threshold()).setCount(c.count()).setFallback(c.fallback()).build())));
            List<CombinationThreshold> combinations = new ArrayList<>();
            l.perCombination().forEach((c, ct) -> combinations.add(CombinationThreshold.newBuilder()
                    .setFields(new ArrayList<>(c.fields())).setValues(new ArrayList<>(c.values()))
                    .setThreshold(ct.threshold()).setCount(ct.count()).setFallback(ct.fallback()).build()));
            out.add(ThresholdSet.newBuilder().setLevel(l.level())
                    .setSeverity(io.normalcy.avro.Severity.valueOf(l.severity().name()))
                    .setGlobal(l.global()).setGlobalCount(l.globalCount()).setPerContext(ctx)
                    .setPerCombination(combinations).build());
        }
        return out;
    }

    /** Whether any level has a combination threshold (a model that needs format 5). */
    static boolean hasCombinations(Thresholds t) {
        return t.levels().stream().anyMatch(l -> !l.perCombination().isEmpty());
    }

    /** Whether any record level has a combination entry. */
    static boolean hasCombinations(List<ThresholdSet> sets) {
        return sets.stream().anyMatch(s -> s.getPerCombination() != null && !s.getPerCombination().isEmpty());
    }

    static Thresholds decode(List<ThresholdSet> sets, List<String> categoricalFields) throws InvalidModelException {
        List<ThresholdLevel> levels = new ArrayList<>();
        for (ThresholdSet s : sets) {
            Map<String, Map<String, ContextThreshold>> per = new LinkedHashMap<>();
            for (io.normalcy.avro.ContextThreshold c : s.getPerContext()) {
                if (!categoricalFields.contains(c.getField())) {
                    throw new InvalidModelException("threshold level " + s.getLevel() + " has a per-context threshold"
                            + " for '" + c.getField() + "', which is not a categorical context field "
                            + categoricalFields);
                }
                if (!Double.isFinite(c.getThreshold())) {
                    throw new InvalidModelException("threshold level " + s.getLevel() + " for " + c.getField() + "="
                            + c.getValue() + " is not finite: " + c.getThreshold());
                }
                if (c.getCount() < 0) {
                    throw new InvalidModelException("threshold level " + s.getLevel() + " for " + c.getField() + "="
                            + c.getValue() + " has a negative count");
                }
                Map<String, ContextThreshold> values = per.computeIfAbsent(c.getField(), k -> new LinkedHashMap<>());
                if (values.put(c.getValue(), new ContextThreshold(c.getThreshold(), c.getCount(), c.getFallback()))
                        != null) {
                    throw new InvalidModelException("threshold level " + s.getLevel() + " has two entries for "
                            + c.getField() + "=" + c.getValue());
                }
            }
            if (!Double.isFinite(s.getGlobal())) {
                throw new InvalidModelException("global threshold at level " + s.getLevel() + " is not finite: "
                        + s.getGlobal());
            }
            Severity severity;
            try {
                severity = Severity.valueOf(s.getSeverity().name());
            } catch (RuntimeException e) {
                throw new InvalidModelException("threshold level " + s.getLevel() + " has unknown severity "
                        + s.getSeverity());
            }
            Map<ContextCombination, ContextThreshold> combinations = combinations(s);
            try {
                levels.add(new ThresholdLevel(s.getLevel(), severity, s.getGlobal(), s.getGlobalCount(), per,
                        combinations));
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("invalid thresholds: " + e.getMessage(), e);
            }
        }
        try {
            return new Thresholds(levels, categoricalFields);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("invalid thresholds: " + e.getMessage(), e);
        }
    }

    /**
     * The level's combination entries; field names and arity are checked against the categorical fields by the
     * {@link Thresholds} constructor, which {@link #decode} reports as an {@link InvalidModelException}.
     */
    private static Map<ContextCombination, ContextThreshold> combinations(ThresholdSet s)
            throws InvalidModelException {
        Map<ContextCombination, ContextThreshold> out = new LinkedHashMap<>();
        if (s.getPerCombination() == null) {
            return out;
        }
        for (CombinationThreshold c : s.getPerCombination()) {
            ContextCombination combination;
            try {
                combination = new ContextCombination(c.getFields(), c.getValues());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidModelException("threshold level " + s.getLevel() + " has an invalid combination "
                        + c.getFields() + " = " + c.getValues() + ": " + e.getMessage(), e);
            }
            if (!Double.isFinite(c.getThreshold())) {
                throw new InvalidModelException("threshold level " + s.getLevel() + " for " + combination
                        + " is not finite: " + c.getThreshold());
            }
            if (c.getCount() < 0) {
                throw new InvalidModelException("threshold level " + s.getLevel() + " for " + combination
                        + " has a negative count");
            }
            if (out.put(combination, new ContextThreshold(c.getThreshold(), c.getCount(), c.getFallback())) != null) {
                throw new InvalidModelException("threshold level " + s.getLevel() + " has two entries for "
                        + combination);
            }
        }
        return out;
    }
}
