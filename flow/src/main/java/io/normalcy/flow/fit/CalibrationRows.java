package io.normalcy.flow.fit;

import io.normalcy.flow.train.FlowTrainer;
import io.normalcy.flow.train.TrainingOptions;
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
 * <p>{@link #indices} names these rows without a fit, for whoever must measure on exactly the rows a fit calibrates
 * on (the calibration floor of the quality benchmark): it goes through the same split ({@link DataSplit}), the same
 * trainer shuffle ({@link FlowTrainer#validationRows}) and the same choice and mapping ({@link #of}) as
 * {@link ModelFitter}, so a change of the product's split moves both.
 */
public final class CalibrationRows {
    private final int[] heldOut;
    private final int[] validation;
    private final String description;

    /**
     * @param heldOut     indices into the valid rows of the calibration hold-out, ascending
     * @param validation  indices into the valid rows of the validation rows that calibrate too, ascending (may be
     *                    empty)
     * @param description which rows calibrated and why, for the model's provenance
     */
    private CalibrationRows(int[] heldOut, int[] validation, String description) {
        this.heldOut = heldOut;
        this.validation = validation;
        this.description = description;
    }

    /**
     * Indices into the valid rows (the rows {@link ModelFitter#fit} keeps, in input order) of the rows a fit of
     * {@code validRows} valid rows with {@code config} calibrates on, in the order it scores them: the hold-out
     * ascending, then the validation rows that calibrate with it ascending ({@link FitResult#heldOutLogDensities()}
     * has this order when every row is scorable). Needs no training: which rows the trainer validates on depends
     * only on the row count, the fractions and the seed.
     *
     * @throws IllegalArgumentException when {@code validRows} is too small to split
     */
    public static int[] indices(int validRows, FitConfig config) {
        DataSplit split = DataSplit.of(validRows, config.calibrationFraction(), config.seed());
        TrainingOptions options = ModelFitter.options(config);
        int[] val = FlowTrainer.validationRows(split.trainer().length, options);
        CalibrationRows rows = of(config, split.calibration(), split.trainer(), val,
                options.validationFraction() == 0, config.contamination() > 0);
        int[] all = Arrays.copyOf(rows.heldOut, rows.heldOut.length + rows.validation.length);
        System.arraycopy(rows.validation, 0, all, rows.heldOut.length, rows.validation.length);
        return all;
    }

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
        return of(config, heldOut, trainer, val, val.length + trained.trainRecords() != trainer.length, trimmed);
    }

    /**
     * @param val                     the rows (indices into the training data) the flow validated on
     * @param validatedOnTrainingRows whether those are its training rows (validation fraction 0), which calibrate
     *                                nothing
     */
    private static CalibrationRows of(FitConfig config, int[] heldOut, int[] trainer, int[] val,
                                      boolean validatedOnTrainingRows, boolean trimmed) {
        String alone = !config.calibrateOnValidation() ? "calibrateOnValidation false"
                : trimmed ? "not the validation rows: contamination trimmed the trainer rows"
                : validatedOnTrainingRows ? "the flow validated on its training rows"
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

    /** Indices into the valid rows of the calibration hold-out, ascending. */
    int[] heldOut() {
        return heldOut;
    }

    /** Indices into the valid rows of the validation rows that calibrate too, ascending (may be empty). */
    int[] validation() {
        return validation;
    }

    /** Which rows calibrated and why, for the model's provenance. */
    String description() {
        return description;
    }
}
