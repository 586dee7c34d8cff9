package io.normalcy.flow.fit;

/**
 * Summary numbers of one {@link ModelFitter#fit}.
 *
 * @param heldOutMeanLogDensity mean log p(x | c) in original units on the calibration hold-out (rows neither
 *                              training nor selection saw)
 * @param heldOutCount          calibration hold-out records scored
 * @param calibratedCount       records the thresholds rest on: the hold-out's plus, with
 *                              {@link FitConfig#calibrateOnValidation()}, the validation rows ({@link CalibrationRows})
 * @param trainerRecords        records of the trainer split (the flow's training plus validation rows)
 * @param skippedCount          records skipped: invalid ones plus hold-out records that could not be scored
 * @param bestValidationNll     best validation NLL in flow space (nats/record)
 * @param bestEpoch             epoch of the best validation NLL, −1 when no epoch improved on the initial weights
 * @param epochs                epochs run
 * @param trainingMillis        wall-clock time of the whole fit
 */
public record FitMetrics(double heldOutMeanLogDensity, int heldOutCount, int calibratedCount,
                         int trainerRecords, long skippedCount,
                         double bestValidationNll, int bestEpoch, int epochs, long trainingMillis) {
}
