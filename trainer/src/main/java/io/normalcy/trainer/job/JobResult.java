package io.normalcy.trainer.job;

import java.util.List;
import java.util.Map;

/**
 * Outcome of a training besides the model file: the learning curve and the held-out log-densities (for the
 * report), timing and throughput (for metrics).
 */
public record JobResult(List<Epoch> curve, double[] heldOutLogDensity, long trainingMillis, double samplesPerSecond,
                        double trainNll, double validationNll, int trainRecords, Map<String, Long> fitterSkipped) {

    /** One epoch; {@code epoch} is 1-based. */
    public record Epoch(int epoch, double trainNll, double validationNll, double samplesPerSecond) {
    }
}
