package io.normalcy.trainer.history;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.trainer.config.ModelDefinition;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Decides whether a row can train the model, and why not. The feature set is the model definition's; when the
 * definition declares none it is inferred from the first row whose values are all finite (its feature names,
 * sorted) and every later row must have exactly that set. Checking here, before training, lets a window of
 * garbage fail fast with a clear reason instead of deep inside the fitter.
 */
public final class RecordValidator {
    private final List<String> declaredContext;
    private final List<String> numericContext;
    private List<String> features;

    public RecordValidator(ModelDefinition def) {
        this.features = def.features().isEmpty() ? null : List.copyOf(def.features());
        this.declaredContext = def.categoricalContext();
        this.numericContext = def.numericSources();
    }

    /** The model's features, or null while still to be inferred. */
    public List<String> features() {
        return features;
    }

    /** @return null when the row is usable, else the reason (and {@code detail} receives a message) */
    public SkipReason check(RawRecord r, StringBuilder detail) {
        if (features == null) {
            if (r.features().isEmpty()) {
                detail.append("no features");
                return SkipReason.MISSING_FEATURE;
            }
            for (Map.Entry<String, Double> e : r.features().entrySet()) {
                if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                    detail.append("feature '").append(e.getKey()).append("' = ").append(e.getValue());
                    return e.getValue() == null ? SkipReason.MISSING_FEATURE : SkipReason.NON_FINITE_FEATURE;
                }
            }
            features = List.copyOf(new TreeSet<>(r.features().keySet()));
        }
        for (String f : features) {
            Double v = r.features().get(f);
            if (v == null) {
                detail.append("feature '").append(f).append("' is missing");
                return SkipReason.MISSING_FEATURE;
            }
            if (!Double.isFinite(v)) {
                detail.append("feature '").append(f).append("' = ").append(v);
                return SkipReason.NON_FINITE_FEATURE;
            }
        }
        if (r.features().size() != features.size()) {
            TreeSet<String> extra = new TreeSet<>(r.features().keySet());
            features.forEach(extra::remove);
            detail.append("unexpected features ").append(extra).append(" (model has ").append(features).append(')');
            return SkipReason.WRONG_FEATURE_SET;
        }
        for (String c : declaredContext) {
            String v = r.context().get(c);
            if (v == null) {
                detail.append("context '").append(c).append("' is missing");
                return SkipReason.MISSING_CONTEXT;
            }
        }
        for (String c : numericContext) {
            Double v = r.contextNumeric().get(c);
            if (v == null || !Double.isFinite(v)) {
                detail.append("numeric context '").append(c).append("' = ").append(v);
                return SkipReason.MISSING_CONTEXT;
            }
        }
        return null;
    }
}
