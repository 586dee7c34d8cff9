package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.flow.train.TrainingResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which valid rows calibrate: the hold-out plus the trainer's validation rows, mapped back to valid-row indices. */
class CalibrationRowsTest {
    /** Valid rows 0..9: 2, 5 and 7 held out; the trainer split in training-data order. */
    private static final int[] HELD_OUT = {2, 5, 7};
    private static final int[] TRAINER = {0, 1, 3, 4, 6, 8, 9};

    /** The flow trained on training-data rows 0, 2, 3, 5, 6 and validated on 4 and 1 (valid rows 6 and 1). */
    private static TrainingResult trained(int... validationRows) {
        return new TrainingResult(null, List.of(), 1.0, 0, 0, false, TRAINER.length - validationRows.length,
                validationRows);
    }

    @Test
    void addsTheValidationRowsAsValidRowIndices() {
        CalibrationRows r = CalibrationRows.of(FitConfig.defaults(), HELD_OUT, TRAINER, trained(4, 1), false);
        assertArrayEquals(HELD_OUT, r.heldOut());
        assertArrayEquals(new int[] {1, 6}, r.validation(), "trainer[4] = 6 and trainer[1] = 1, ascending");
        assertEquals("5 rows: 3 held out + 2 validation rows (which chose the epoch)", r.description());
    }

    @Test
    void underAutoSelectionTheValidationRowsAlsoChoseTheCandidate() {
        FitConfig auto = FitConfig.builder().autoSelect(Duration.ofMinutes(1)).build();
        assertEquals("5 rows: 3 held out + 2 validation rows (which chose the epoch and the candidate)",
                CalibrationRows.of(auto, HELD_OUT, TRAINER, trained(4, 1), false).description());
    }

    @Test
    void theHoldOutAloneWhenSwitchedOffTrimmedOrValidatedOnTrainingRows() {
        FitConfig off = FitConfig.builder().calibrateOnValidation(false).build();
        CalibrationRows r = CalibrationRows.of(off, HELD_OUT, TRAINER, trained(4, 1), false);
        assertArrayEquals(new int[0], r.validation());
        assertEquals("3 held-out rows (calibrateOnValidation false)", r.description());

        r = CalibrationRows.of(FitConfig.defaults(), HELD_OUT, TRAINER, trained(4, 1), true);
        assertArrayEquals(new int[0], r.validation());
        assertEquals("3 held-out rows (not the validation rows: contamination trimmed the trainer rows)",
                r.description());

        // validation fraction 0: the trainer "validates" on all its training rows, which calibrate nothing
        TrainingResult noSplit = new TrainingResult(null, List.of(), 1.0, 0, 0, false, TRAINER.length,
                new int[] {0, 1, 2, 3, 4, 5, 6});
        r = CalibrationRows.of(FitConfig.defaults(), HELD_OUT, TRAINER, noSplit, false);
        assertArrayEquals(new int[0], r.validation());
        assertEquals("3 held-out rows (the flow validated on its training rows)", r.description());
    }

    @Test
    void theSettingIsKeptByToBuilderAndDescribed() {
        FitConfig off = FitConfig.builder().calibrateOnValidation(false).build();
        assertEquals(false, off.toBuilder().build().calibrateOnValidation());
        assertEquals("false", off.describe().get("calibrateOnValidation"));
        assertEquals(true, FitConfig.defaults().calibrateOnValidation());
    }
}
