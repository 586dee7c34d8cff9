package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap interval of a stored threshold is that of the estimator actually stored: for a combination whose
 * tail offset is pooled with its siblings' ({@link TailPooling}), the whole pooled estimator is resampled. Data:
 * one entity type with five regions of 3,000 held-out rows and one of 400 (4 rows below its 0.01 threshold; the
 * regions' tails agree, so its own weight is at most 4/(4 + 20) and at least 4/(4 + the cap)), log-densities of
 * 6-dimensional Gaussians shifted by region.
 */
class PooledThresholdIntervalTest {
    private static final List<AlertLevel> LEVELS =
            List.of(new AlertLevel(0.01, Severity.WARNING), new AlertLevel(0.001, Severity.CRITICAL));
    private static final String FEW = "t=a,r=few";

    private static TailCalibration calibration() {
        return calibration(false);
    }

    /** The data above; {@code fewOnly}: region "few"'s 400 rows alone (the same values), without context. */
    private static TailCalibration calibration(boolean fewOnly) {
        Random rng = new Random(11);
        List<Double> d = new ArrayList<>();
        List<Map<String, String>> ctx = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            String region = c == 0 ? "few" : "r" + c;
            int rows = c == 0 ? 400 : 3000;
            for (int i = 0; i < rows; i++) {
                double x = -1.5 * c - 0.5 * ThresholdCalibratorTest.chiSquared(rng, 6);
                if (!fewOnly || c == 0) {
                    d.add(x);
                    ctx.add(fewOnly ? Map.of() : Map.of("t", "a", "r", region));
                }
            }
        }
        return new ThresholdCalibrator(LEVELS, 300).fitTails(d.stream().mapToDouble(x -> x).toArray(), ctx,
                fewOnly ? List.of() : List.of("t", "r"), Map.of());
    }

    @Test
    void aPooledCombinationsIntervalIsThatOfItsStoredThresholdAndNarrowerThanItsOwnTails() {
        TailCalibration fit = calibration();
        NodeFit few = fit.node(FEW);
        assertTrue(few.pooled());
        double stored = fit.thresholds().threshold(0, Map.of("t", "a", "r", "few"));

        LowerTail.Interval pooled = fit.interval(FEW, 0.01, 200, 7);
        // region "few" holds the same 400 rows with its own (unpooled) tail
        assertEquals(few.count(), fit.node("r=few").count());
        LowerTail.Interval own = fit.interval("r=few", 0.01, 200, 7);

        assertEquals(stored, pooled.threshold(), 1e-12, "the interval is that of the stored threshold");
        assertTrue(pooled.low() <= stored && stored <= pooled.high(), pooled + " around " + stored);
        assertTrue(pooled.high() - pooled.low() < 0.8 * (own.high() - own.low()),
                "pooled " + pooled + " vs own tail " + own);
        assertTrue(pooled.rateRatioLow() < 1 && pooled.rateRatioHigh() > 1, pooled.toString());
        assertEquals(1.0, few.levelAt(stored) / 0.01, 1e-6, "the rate scale is the stored estimator's");
    }

    @Test
    void aNodeWithItsOwnThresholdKeepsItsOwnTailsInterval() {
        TailCalibration fit = calibration();
        NodeFit region = fit.node("r=few");
        assertFalse(region.pooled(), "single-field nodes are not pooled");
        assertEquals(calibration(true).interval("global", 0.01, 100, 3), fit.interval("r=few", 0.01, 100, 3),
                "its own rows alone, resampled with the same draws: its siblings play no part");
    }

    @Test
    void bandsListEveryStoredThresholdWithItsPoolingAndFlagFewExceedances() {
        TailCalibration fit = calibration();
        List<ThresholdBand> bands = fit.bands(100, 7);
        ThresholdBand few = band(bands, FEW, 0.01);
        assertEquals(fit.interval(FEW, 0.01, 100, 7).low(), few.low(), 1e-12, "the same bootstrap as interval()");
        assertEquals(fit.interval(FEW, 0.01, 100, 7).high(), few.high(), 1e-12);
        assertTrue(few.ownWeight() <= 4.0 / 24 && few.ownWeight() >= 4.0 / (4 + ThresholdCalibrator.POOLING_PRIOR_ROWS)
                - 1e-12, "siblings that agree pool at least as much as a fixed k0 = 20: " + few.ownWeight());
        assertEquals(fit.node(FEW).ownWeight(0.01), few.ownWeight(), 1e-12, "the band reports the node's weight");
        assertEquals("t=a", few.pooledWith());
        assertTrue(few.few(), "4 rows expected below the threshold");
        assertTrue(few.note().startsWith("t=a,r=few @0.01: rate expected within ×"), few.note());
        assertTrue(few.note().endsWith("(4.0 held-out rows expected below the threshold, tail offset pooled with"
                + " t=a's, own weight " + String.format(java.util.Locale.ROOT, "%.2f", few.ownWeight())
                + "); more history narrows it"), few.note());

        ThresholdBand big = band(bands, "t=a,r=r1", 0.01);
        assertFalse(big.few(), "30 rows expected below");
        ThresholdBand global = band(bands, "global", 0.001);
        assertNull(global.pooledWith());
        assertEquals(1.0, global.ownWeight());
        assertEquals(fit.thresholds().levels().get(1).global(), global.threshold(), 1e-12);
        for (ThresholdBand b : bands) {
            assertTrue(b.low() <= b.threshold() && b.threshold() <= b.high(), b.toString());
        }
    }

    private static ThresholdBand band(List<ThresholdBand> bands, String scope, double level) {
        return bands.stream().filter(b -> b.scope().equals(scope) && b.level() == level).findFirst().orElseThrow();
    }
}
