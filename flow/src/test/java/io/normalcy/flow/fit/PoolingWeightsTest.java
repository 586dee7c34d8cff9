package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pooling weight of a combination follows its siblings ({@link PoolingWeights}): siblings whose tails agree
 * (log-densities of 6-dimensional Gaussians, shifted by region) pool up to the cap; a sibling whose tail is three
 * times as wide keeps nearly its own offset, where a fixed k0 = 20 would have pulled it 40 % of the way to the
 * others'. Three regions of 1,500 held-out rows each (15 expected below the 0.01 threshold).
 */
class PoolingWeightsTest {
    private static final List<AlertLevel> LEVELS =
            List.of(new AlertLevel(0.01, Severity.WARNING), new AlertLevel(0.001, Severity.CRITICAL));
    private static final int ROWS = 1500;

    /** Region i's log-density: −1.5·i − ½·χ²₆ · width_i (a width of 1 for every region but the odd one). */
    private static TailCalibration calibration(double oddWidth, long seed) {
        Random rng = new Random(seed);
        List<Double> d = new ArrayList<>();
        List<Map<String, String>> ctx = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            double width = c == 0 ? oddWidth : 1;
            for (int i = 0; i < ROWS; i++) {
                d.add(-1.5 * c - 0.5 * width * ThresholdCalibratorTest.chiSquared(rng, 6));
                ctx.add(Map.of("t", "a", "r", "r" + c));
            }
        }
        return new ThresholdCalibrator(LEVELS, 300).fitTails(d.stream().mapToDouble(x -> x).toArray(), ctx,
                List.of("t", "r"), Map.of());
    }

    @Test
    void siblingsWhoseTailsAgreePoolUpToTheCap() {
        for (long seed = 1; seed <= 5; seed++) {
            NodeFit n = calibration(1, seed).node("t=a,r=r0");
            assertTrue(n.pooled());
            double k = ROWS * 0.01;
            double atCap = k / (k + ThresholdCalibrator.POOLING_PRIOR_ROWS);
            assertTrue(n.ownWeight(0.01) < 0.5 * k / (k + 20), "seed " + seed + ": own weight "
                    + n.ownWeight(0.01) + " should be well below a fixed k0 = 20's");
            assertTrue(n.ownWeight(0.01) >= atCap - 1e-12, "never beyond the cap: " + n.ownWeight(0.01));
        }
    }

    @Test
    void aSiblingWithAnotherTailKeepsItsOwnOffset() {
        for (long seed = 1; seed <= 5; seed++) {
            NodeFit odd = calibration(3, seed).node("t=a,r=r0");
            assertTrue(odd.pooled());
            assertTrue(odd.ownWeight(0.01) > 0.8, "seed " + seed + ": own weight " + odd.ownWeight(0.01));
            double own = odd.ownThreshold(0.01);
            double stored = odd.threshold(0.01);
            double location = odd.location();
            assertTrue(Math.abs(stored - own) < 0.2 * Math.abs(own - location),
                    "seed " + seed + ": stored " + stored + " vs own " + own + " (location " + location + ")");
        }
    }
}
