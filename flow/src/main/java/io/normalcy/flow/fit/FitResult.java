package io.normalcy.flow.fit;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.train.EpochStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outcome of {@link ModelFitter#fit}: the calibrated model, the per-epoch training history and summary metrics.
 * Metric keys: {@value #HELD_OUT_MEAN_LOG_DENSITY} (mean log p(x | c) in original units on the calibration
 * split), {@code heldOutCount}, {@code trainerRecords}, {@code skippedCount}, {@code bestValidationNll}
 * (flow space), {@code bestEpoch}, {@code epochs}, {@code trainingMillis}. {@code heldOutLogDensities} are the
 * calibration hold-out's log-densities (original units) the thresholds were set from, for reports.
 */
public record FitResult(NormalcyModel model, List<EpochStats> history, Map<String, Double> metrics,
                        double[] heldOutLogDensities) {
    public static final String HELD_OUT_MEAN_LOG_DENSITY = "heldOutMeanLogDensity";

    public FitResult {
        history = List.copyOf(history);
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        heldOutLogDensities = heldOutLogDensities.clone();
    }

    @Override
    public double[] heldOutLogDensities() {
        return heldOutLogDensities.clone();
    }

    public double heldOutMeanLogDensity() {
        return metrics.get(HELD_OUT_MEAN_LOG_DENSITY);
    }
}
