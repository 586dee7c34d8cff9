package io.normalcy.flow.fit;

import io.normalcy.flow.train.FlowTrainer;
import io.normalcy.flow.train.TrainingResult;
import java.util.Arrays;

/**
 * The valid rows a fit calibrates its thresholds, tails, bands and typical contributions on: the calibration
 * hold-out, which neither training nor selection saw, plus (with {@link FitConfig#calibrateOnValidation()}) the rows
 * {@link FlowTrainer} validated on. A context's q-threshold rests on about n·q rows below it, so its observed alert
 * rate scatters by about ±1/√(n·q); at the default fractions the validation rows add half again as many rows
 * (scatter ×0.82), at the cost of a small optimism: they chose the epoch (and under auto selection the candidate).
 * The held-out rows alone still give the model's honest held-out NLL.
 *
 * @param heldOut     indices into the valid rows of the calibration hold-out, ascending
 * @param validation  indices into the valid rows of the validation rows that calibrate too, ascending (may be empty)
 * @param description which rows calibrated and why, for the model's provenance
 */
record CalibrationRows(int[] heldOut, int[] validation, String description) {

    /**
     * @param trainer the trainer split's indices into the valid rows, in the order the flow's training data has them
     * @param trained the final flow's training: {@link TrainingResult#validationRows()} are the rows (indices into
     *                the training data) it validated on, and were never trained on
     * @param trimmed true when {@link FitConfig#contamination()} trimmed the trainer rows before the final fit: its
     *                validation rows then lack the trimmed low-density rows and would bias the tails, so the
     *                hold-out calibrates alone
     */
    static CalibrationRows of(FitConfig config, int[] heldOut, int[] trainer, TrainingResult trained,
                              boolean trimmed) {
        int[] val = trained.validationRows();
        String alone = !config.calibrateOnValidation() ? "calibrateOnValidation false"
                : trimmed ? "not the validation rows: contamination trimmed the trainer rows"
                : val.length + trained.trainRecords() != trainer.length ? "the flow validated on its training rows"
                : null;
        if (alone != null) {
            return new CalibrationRows(heldOut, new int[0], heldOut.length + " held-out rows (" + alone + ")");
        }
        int[] rows = new int[val.length];
        for (int i = 0; i < val.length; i++) {
            rows[i] = trainer[val[i]];
        }
        Arrays.sort(rows);
        return new CalibrationRows(heldOut, rows, (heldOut.length + rows.length) + " rows: " + heldOut.length
                + " held out + " + rows.length + " validation rows (which chose the epoch"
                + (config.autoSelect() ? " and the candidate" : "") + ")");
    }
}
