package io.normalcy.flow.fit;

import java.util.Random;

/**
 * Seeded random split of n valid rows into the trainer's rows (which {@code FlowTrainer} splits again into train
 * and validation for early stopping) and the calibration hold-out, which neither training nor early stopping sees:
 * thresholds calibrated on data the model was selected on would be biased towards high densities.
 */
record DataSplit(int[] trainer, int[] calibration) {

    /** At least 2 trainer rows and 1 calibration row; requires n ≥ 3. */
    static DataSplit of(int n, double calibrationFraction, long seed) {
        if (n < 3) {
            throw new IllegalArgumentException("need at least 3 rows to split, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        io.normalcy.flow.model.Shuffle.inPlace(order, new Random(seed ^ 0x5EED_5A17L));
        int nCal = (int) Math.round(n * calibrationFraction);
        nCal = Math.max(1, Math.min(n - 2, nCal));
        int[] cal = java.util.Arrays.copyOfRange(order, 0, nCal);
        int[] trainer = java.util.Arrays.copyOfRange(order, nCal, n);
        java.util.Arrays.sort(cal);
        java.util.Arrays.sort(trainer);
        return new DataSplit(trainer, cal);
    }
}
