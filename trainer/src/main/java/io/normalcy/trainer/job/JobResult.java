package io.normalcy.trainer.job;

import java.util.List;
import java.util.Map;

/**
 * Outcome of a training besides the model file: the learning curve and the held-out log-densities (for the
 * report), timing and throughput (for metrics), what flow auto tried, and the stored thresholds' bootstrap bands.
 *
 * @param curve           the model's learning curve: under flow auto the chosen candidate's
 * @param candidateCurves under flow auto every candidate's epochs in the order they ran, each labelled with its
 *                        candidate (empty otherwise, and in a result file written before this field)
 * @param thresholdBands  every stored threshold with its bootstrap interval (empty in an older result file)
 */
public record JobResult(List<Epoch> curve, double[] heldOutLogDensity, long trainingMillis, double samplesPerSecond,
                        double trainNll, double validationNll, int trainRecords, Map<String, Long> fitterSkipped,
                        List<Candidate> candidates, List<Epoch> candidateCurves, List<Band> thresholdBands) {

    /** {@code candidates}, {@code candidateCurves}, {@code thresholdBands} null (an older result file) are none. */
    public JobResult {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        candidateCurves = candidateCurves == null ? List.of() : List.copyOf(candidateCurves);
        thresholdBands = thresholdBands == null ? List.of() : List.copyOf(thresholdBands);
    }

    /**
     * One family and size {@code flow-type: auto} tried ({@code io.normalcy.flow.fit.AutoCandidate} in plain
     * types); {@code validationNll} null when it was not trained, {@code note} says why.
     */
    public record Candidate(String label, boolean trained, Double validationNll, int epochs, long millis,
                            boolean chosen, String note) {
    }

    /**
     * One epoch; {@code epoch} is 1-based. {@code candidate} is the flow auto candidate's label, null without flow
     * auto: successive halving trains the candidates by turns, so their epochs interleave.
     */
    public record Epoch(int epoch, double trainNll, double validationNll, double samplesPerSecond, String candidate) {
    }

    /**
     * A stored threshold with its 95 % bootstrap interval and the alert-rate band (÷ level) it implies
     * ({@code io.normalcy.flow.fit.ThresholdBand} in plain types). {@code pooledWith} is the scope whose
     * combinations' tail offsets it is pooled with (null: its own), with its own weight {@code ownWeight};
     * {@code note} is set only when it rests on few held-out exceedances (what to tell an operator).
     */
    public record Band(String scope, double level, double low, double high, double rateRatioLow,
                       double rateRatioHigh, double expectedBelow, double ownWeight, String pooledWith, String note) {
    }
}
