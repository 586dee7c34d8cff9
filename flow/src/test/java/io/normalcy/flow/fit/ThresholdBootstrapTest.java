package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.Severity;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap of a node with its own threshold ({@link ThresholdBootstrap}, read through
 * {@link TailCalibration#interval}): log-densities of a standard 6-dimensional Gaussian, one context (global). The
 * pooled estimator's bootstrap is {@link PooledThresholdIntervalTest}.
 */
class ThresholdBootstrapTest {
    private static final List<AlertLevel> LEVELS = List.of(new AlertLevel(0.01, Severity.WARNING),
            new AlertLevel(0.001, Severity.CRITICAL));
    private static final GpdFitter FITTER = new GpdFitter(ThresholdCalibrator.SHAPE_PRIOR_SD);

    private static TailCalibration calibration(int n, long seed) {
        double[] ld = LowerTailTest.gaussianLogDensities(n, new Random(seed));
        return new ThresholdCalibrator(LEVELS, 300).fitTails(ld, Collections.nCopies(n, Map.of()), List.of(),
                Map.of());
    }

    @Test
    void theIntervalBracketsTheThresholdNarrowsWithDataAndIsSeeded() {
        TailCalibration small = calibration(1000, 3);
        TailCalibration large = calibration(20_000, 4);
        LowerTail.Interval s = small.interval("global", 0.001, 100, 7);
        LowerTail.Interval l = large.interval("global", 0.001, 100, 7);
        for (LowerTail.Interval i : new LowerTail.Interval[] {s, l}) {
            assertTrue(i.low() < i.threshold() && i.threshold() < i.high(), i.toString());
            assertTrue(i.rateRatioLow() < 1 && i.rateRatioHigh() > 1, i.toString());
        }
        assertEquals(small.thresholds().levels().get(1).global(), s.threshold(), 0.0, "the stored threshold's");
        assertTrue(l.high() - l.low() < (s.high() - s.low()) / 2, "20x the data: " + l + " vs " + s);
        assertEquals(s, small.interval("global", 0.001, 100, 7), "seeded: the same interval every time");
        assertNotEquals(s, small.interval("global", 0.001, 100, 8), "another seed, other draws");
    }

    @Test
    void aNodeIsResampledOnItsOwnRowsAndRefittedAsTheCalibratorFitsIt() {
        NodeFit global = calibration(1000, 3).node("global");
        double[][] t = ThresholdBootstrap.replicates(List.of(global), false, new double[] {0.01, 0.001}, 50, 7,
                FITTER).get("global");
        assertEquals(2, t.length);
        Random rng = new Random(7);
        double[] sorted = global.sortedValues();
        for (int b = 0; b < 50; b++) {
            double[] resample = new double[sorted.length];
            for (int i = 0; i < resample.length; i++) {
                resample[i] = sorted[rng.nextInt(sorted.length)];
            }
            LowerTail refit = LowerTail.fit(resample, FITTER);
            assertEquals(refit.quantile(0.01), t[0][b], 0.0, "replicate " + b);
            assertEquals(refit.quantile(0.001), t[1][b], 0.0, "replicate " + b);
        }
    }

    @Test
    void tooFewReplicatesAreRejected() {
        TailCalibration fit = calibration(1000, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit.interval("global", 0.01, 5, 1));
        assertEquals("need at least 20 bootstrap replicates, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdBootstrap.replicates(List.of(fit.node("global")),
                false, new double[] {0.01}, 19, 1, FITTER));
    }
}
