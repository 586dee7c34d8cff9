package io.normalcy.flow.fit;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.train.EpochStats;
import java.util.List;

/**
 * Outcome of {@link ModelFitter#fit}: the calibrated model, the per-epoch training history (of the chosen
 * candidate under auto selection) and summary {@link FitMetrics}. {@code heldOutLogDensities} are the calibration
 * hold-out's log-densities (original units) the thresholds were set from, for reports. {@code autoCandidates}
 * compares the candidates of a flow auto selection ({@link FitConfig.Builder#autoSelect}), in candidate order,
 * with the rung each stopped at; empty without it.
 */
public record FitResult(NormalcyModel model, List<EpochStats> history, FitMetrics metrics,
                        double[] heldOutLogDensities, List<AutoCandidate> autoCandidates) {

    public FitResult {
        history = List.copyOf(history);
        autoCandidates = List.copyOf(autoCandidates);
        heldOutLogDensities = heldOutLogDensities.clone();
    }

    @Override
    public double[] heldOutLogDensities() {
        return heldOutLogDensities.clone();
    }

    public double heldOutMeanLogDensity() {
        return metrics.heldOutMeanLogDensity();
    }
}
