package io.normalcy.trainer.job;

import java.util.List;
import java.util.Map;

/**
 * Outcome of a training besides the model file: the learning curve and the held-out log-densities (for the
 * report), timing and throughput (for metrics).
 */
public record JobResult(List<Epoch> curve, double[] heldOutLogDensity, long trainingMillis, double samplesPerSecond,
                        double trainNll, double validationNll, int trainRecords, Map<String, Long> fitterSkipped,
                        List<Candidate> candidates) {

    /** {@code candidates} null (a result file written before flow auto) is none. */
    public JobResult {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /**
     * One family and size {@code flow-type: auto} tried ({@code io.normalcy.flow.fit.AutoCandidate} in plain
     * types); {@code validationNll} null when it was not trained, {@code note} says why.
     */
    public record Candidate(String label, boolean trained, Double validationNll, int epochs, long millis,
                            boolean chosen, String note) {
    }

    /** One epoch; {@code epoch} is 1-based. */
    public record Epoch(int epoch, double trainNll, double validationNll, double samplesPerSecond) {
    }
}
