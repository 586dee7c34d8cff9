package io.normalcy.flow.fit;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.train.EpochStats;
import java.util.List;

/**
 * Outcome of {@link ModelFitter#fit}: the calibrated model, the per-epoch training history (of the chosen
 * candidate under auto selection) and summary {@link FitMetrics}. {@code heldOutLogDensities} are the log-densities
 * (original units) the thresholds were set from ({@link CalibrationRows}: the hold-out's, then the validation rows'
 * that calibrate with it), for reports. {@code autoCandidates}
 * compares the candidates of a flow auto selection ({@link FitConfig.Builder#autoSelect}), in candidate order,
 * with the rung each stopped at; empty without it. {@code thresholdBands} are the stored thresholds with their
 * bootstrap intervals and pooling ({@link TailCalibration#bands}), by level.
 */
public record FitResult(NormalcyModel model, List<EpochStats> history, FitMetrics metrics,
                        double[] heldOutLogDensities, List<AutoCandidate> autoCandidates,
                        List<ThresholdBand> thresholdBands) {

    public FitResult {
        history = List.copyOf(history);
        autoCandidates = List.copyOf(autoCandidates);
        heldOutLogDensities = heldOutLogDensities.clone();
        thresholdBands = List.copyOf(thresholdBands);
    }

    /** The stored thresholds that rest on few held-out exceedances ({@link ThresholdBand#few}), by level. */
    public List<ThresholdBand> fewExceedanceBands() {
        return thresholdBands.stream().filter(ThresholdBand::few).toList();
    }

    @Override
    public double[] heldOutLogDensities() {
        return heldOutLogDensities.clone();
    }

    public double heldOutMeanLogDensity() {
        return metrics.heldOutMeanLogDensity();
    }
}
