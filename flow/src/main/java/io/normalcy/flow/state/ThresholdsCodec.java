package io.normalcy.flow.state;

import io.normalcy.avro.ThresholdSet;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Thresholds} ⇄ Avro {@code ThresholdSet} list (per-context entries flattened to field/value rows). */
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
            out.add(ThresholdSet.newBuilder().setLevel(l.level())
                    .setSeverity(io.normalcy.avro.Severity.valueOf(l.severity().name()))
                    .setGlobal(l.global()).setGlobalCount(l.globalCount()).setPerContext(ctx).build());
        }
        return out;
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
            try {
                levels.add(new ThresholdLevel(s.getLevel(), severity, s.getGlobal(), s.getGlobalCount(), per));
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
}
