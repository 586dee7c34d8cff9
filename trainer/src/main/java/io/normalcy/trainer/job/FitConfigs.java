package io.normalcy.trainer.job;

import io.normalcy.flow.fit.AlertLevel;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.model.Severity;
import io.normalcy.trainer.config.ModelDefinition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Model definition → flow's {@link FitConfig}: a mapping of typed values, nothing parsed. Sizes left {@code auto}
 * are not set, so flow sizes them to the data; {@code flow-type: auto} becomes {@code autoSelect(auto-budget)}. Levels are sorted from most to least frequent; the most
 * frequent (largest) level is WARNING and every rarer one CRITICAL (so the default 0.01, 0.001 gives
 * 0.01 → WARNING, 0.001 → CRITICAL).
 */
public final class FitConfigs {
    private FitConfigs() {
    }

    public static FitConfig from(ModelDefinition d) {
        List<Double> sorted = new ArrayList<>(d.levels());
        sorted.sort((a, b) -> Double.compare(b, a));
        List<AlertLevel> levels = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            levels.add(new AlertLevel(sorted.get(i), i == 0 ? Severity.WARNING : Severity.CRITICAL));
        }
        FitConfig.Builder b = FitConfig.builder().ordering(d.ordering());
        if (d.flowType() == null) {
            b.autoSelect(d.autoBudget());
        } else {
            b.flowType(d.flowType());
        }
        sizes(d, b);
        return b.batchSize(d.batchSize())
                .learningRate(d.learningRate())
                .seed(d.seed())
                .features(d.modelFeatures())
                .integerFeatures(new LinkedHashSet<>(d.integerFeatures()))
                .log1pFeatures(new LinkedHashSet<>(d.log1pFeatures()))
                .categoricalContext(d.categoricalContext())
                .cyclicContext(d.cyclicFields())
                .numericContext(d.numericContext())
                .levels(levels)
                .minContextSamples(d.minContextSamples())
                .trainFraction(1 - d.validationFraction() - d.calibrationFraction())
                .validationFraction(d.validationFraction())
                .calibrateOnValidation(d.calibrateOnValidation())
                .contamination(d.contamination())
                .engine(d.trainingEngine())
                .missing(d.missing().policies(d.features()))
                .build();
    }

    /**
     * Sizes and K the definition sets; the others ({@code auto}) are left to flow's {@code SizeRule} and default K, which
     * flow auto may vary.
     */
    private static void sizes(ModelDefinition d, FitConfig.Builder b) {
        if (d.blocks() != ModelDefinition.SIZED) {
            b.blocks(d.blocks());
        }
        if (!d.hidden().isEmpty()) {
            b.hidden(d.hidden().stream().mapToInt(Integer::intValue).toArray());
        }
        if (d.epochs() != ModelDefinition.SIZED) {
            b.epochs(d.epochs());
        }
        if (d.patience() != ModelDefinition.SIZED) {
            b.patience(d.patience());
        }
        if (d.components() != ModelDefinition.SIZED) {
            b.components(d.components());
        }
    }
}
