package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.Scorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CalibrationRows#indices} names exactly the rows a real {@link ModelFitter#fit} calibrated on, in its order:
 * scored with the fitted model, they give the fit's own calibration log-densities
 * ({@link FitResult#heldOutLogDensities()}) one for one. Pinned for each way the choice of rows goes (hold-out plus
 * validation rows, hold-out alone, contamination trimmed, auto selection), so a change of the product's split, of the
 * trainer's validation shuffle or of the mapping that is not made in both fails here.
 */
class CalibrationRowsIndicesTest {

    static Stream<Arguments> configs() {
        FitConfig.Builder base = FitConfig.builder().features(List.of("x", "y")).categoricalContext(List.of("shop"))
                .blocks(1).hidden(8).epochs(2).patience(2).batchSize(100).learningRate(5e-3).seed(23);
        return Stream.of(
                Arguments.of("hold-out and validation rows", base.build(), 880 / 8),
                Arguments.of("hold-out alone", base.build().toBuilder().calibrateOnValidation(false).build(), 0),
                Arguments.of("contamination trimmed", base.build().toBuilder().contamination(0.05).build(), 0),
                Arguments.of("auto selection", base.build().toBuilder().autoSelect(Duration.ZERO).build(), 880 / 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void theIndicesAreTheRowsTheFitCalibratedOnInItsOrder(String label, FitConfig config, int validation) {
        List<RawRecord> rows = rows(1100, new Random(5));
        FitResult fit = new ModelFitter().fit("rows", 1, rows, config, null);

        int[] indices = CalibrationRows.indices(rows.size(), config);
        assertEquals(220 + validation, indices.length, "0.2 held out, 0.1 / 0.8 of the 880 trainer rows validate");
        assertEquals(fit.metrics().calibratedCount(), indices.length);
        assertEquals(fit.metrics().heldOutCount(), 220);
        assertEquals(indices.length, Arrays.stream(indices).distinct().count(), "no row twice");

        Scorer scorer = fit.model().newScorer();
        double[] scored = Arrays.stream(indices).mapToDouble(i -> scorer.score(rows.get(i).features(),
                rows.get(i).context(), rows.get(i).contextNumeric(), rows.get(i).eventTime()).logDensity()).toArray();
        assertArrayEquals(fit.heldOutLogDensities(), scored, 1e-9, label);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void theHeldOutRowsComeFirstAndBothPartsAscend(String label, FitConfig config, int validation) {
        int[] indices = CalibrationRows.indices(1100, config);
        int[] heldOut = Arrays.copyOf(indices, 220);
        int[] val = Arrays.copyOfRange(indices, 220, indices.length);
        assertArrayEquals(DataSplit.of(1100, config.calibrationFraction(), config.seed()).calibration(), heldOut);
        assertTrue(ascending(heldOut) && ascending(val), label);
        assertEquals(validation, val.length, label);
    }

    private static boolean ascending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Two shops with different means: every row distinct, so a wrong row cannot score like the right one. */
    private static List<RawRecord> rows(int n, Random rng) {
        List<RawRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String shop = rng.nextBoolean() ? "A" : "B";
            double x = (shop.equals("A") ? 0 : 3) + rng.nextGaussian();
            out.add(new RawRecord(Map.of("x", x, "y", x / 2 + 0.5 * rng.nextGaussian()), Map.of("shop", shop),
                    Map.of(), 1_700_000_000_000L + i * 60_000L));
        }
        return out;
    }
}
