package io.normalcy.flow.fit;

/**
 * Summary numbers of one {@link ModelFitter#fit}.
 *
 * @param heldOutMeanLogDensity mean log p(x | c) in original units on the calibration hold-out
 * @param heldOutCount          calibration hold-out records scored (the thresholds rest on these)
 * @param trainerRecords        records of the trainer split (the flow's training plus validation rows)
 * @param skippedCount          records skipped: invalid ones plus hold-out records that could not be scored
 * @param bestValidationNll     best validation NLL in flow space (nats/record)
 * @param bestEpoch             epoch of the best validation NLL, −1 when no epoch improved on the initial weights
 * @param epochs                epochs run
 * @param trainingMillis        wall-clock time of the whole fit
 */
public record FitMetrics(double heldOutMeanLogDensity, int heldOutCount, int trainerRecords, long skippedCount,
                         double bestValidationNll, int bestEpoch, int epochs, long trainingMillis) {

    /**
     * The metric named like its accessor, as a double, or null for an unknown name.
     *
     * @deprecated the metrics were a string-keyed map; this bridge keeps the benchmarks module compiling until it
     *             uses the accessors. Do not add callers.
     */
    @Deprecated(forRemoval = true)
    public Double get(String name) {
        return switch (name) {
            case "heldOutMeanLogDensity" -> heldOutMeanLogDensity;
            case "heldOutCount" -> (double) heldOutCount;
            case "trainerRecords" -> (double) trainerRecords;
            case "skippedCount" -> (double) skippedCount;
            case "bestValidationNll" -> bestValidationNll;
            case "bestEpoch" -> (double) bestEpoch;
            case "epochs" -> (double) epochs;
            case "trainingMillis" -> (double) trainingMillis;
            default -> null;
        };
    }
}
