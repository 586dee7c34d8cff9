package io.normalcy.detector.topology;

import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Reason;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.preprocess.ContextSpec;

import io.normalcy.flow.kernel.ScoringKernel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the scoring path needs of one model version that does not depend on the record, built once per task
 * when the version is swapped in: the task's scorer, the categorical context fields every record must carry, the
 * context keys the model reads (kept when an oversized alert is shortened), the feature names and their typical terms
 * in feature order (alert explanations index them instead of looking names up per record), and the model's meters
 * (no registry lookup per record). Not thread-safe (the scorer is the task's own).
 */
final class ModelPlan {
    private final LoadedModel loaded;
    private final Scorer scorer;
    private final List<String> requiredContext;
    private final Set<String> contextKeys;
    private final List<String> featureNames;
    private final double[] typical;
    private final DetectorMetrics.ModelMeters meters;

    private ModelPlan(LoadedModel loaded, DetectorMetrics metrics, ScoringKernel kernel) {
        NormalcyModel model = loaded.model();
        ContextSpec spec = model.contextSpec();
        this.loaded = loaded;
        this.scorer = model.newScorer(kernel);
        this.requiredContext = spec.categorical().stream().map(ContextSpec.CategoricalField::name).toList();
        this.contextKeys = Slimming.contextKeys(spec);
        this.featureNames = List.copyOf(model.featureNames());
        this.typical = typicalTerms(featureNames, model.typicalContributions());
        this.meters = metrics.forModel(model.name());
    }

    static ModelPlan of(LoadedModel loaded, DetectorMetrics metrics) {
        return new ModelPlan(loaded, metrics, ScoringKernel.SCALAR);
    }

    /** The plan of a freshly loaded version, its scorer on {@code kernel}. */
    static ModelPlan of(LoadedModel loaded, DetectorMetrics metrics, ScoringKernel kernel) {
        return new ModelPlan(loaded, metrics, kernel);
    }

    /** Median held-out term per feature, in feature order; 0 where the model has none (or it is not finite). */
    static double[] typicalTerms(List<String> names, Map<String, Double> typical) {
        double[] out = new double[names.size()];
        for (int i = 0; i < out.length; i++) {
            Double t = typical == null ? null : typical.get(names.get(i));
            out[i] = t == null || !Double.isFinite(t) ? 0.0 : t;
        }
        return out;
    }

    /** @throws InvalidInputException ({@code MISSING_CONTEXT}) when a categorical context field is absent */
    void requireContext(Map<String, String> context) {
        for (String field : requiredContext) {
            if (context == null || context.get(field) == null) {
                throw new InvalidInputException(Reason.MISSING_CONTEXT, "missing categorical context '" + field
                        + "' (model " + loaded.name() + " is conditioned on " + requiredContext + ")");
            }
        }
    }

    LoadedModel loaded() {
        return loaded;
    }

    NormalcyModel model() {
        return loaded.model();
    }

    Scorer scorer() {
        return scorer;
    }

    Set<String> contextKeys() {
        return contextKeys;
    }

    List<String> featureNames() {
        return featureNames;
    }

    /** Typical term of feature {@code i} (see {@link #typicalTerms}). */
    double typical(int i) {
        return typical[i];
    }

    DetectorMetrics.ModelMeters meters() {
        return meters;
    }
}
