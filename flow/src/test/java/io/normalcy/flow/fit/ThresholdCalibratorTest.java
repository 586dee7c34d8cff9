package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdCalibratorTest {

    private static final List<AlertLevel> LEVELS =
            List.of(new AlertLevel(0.01, Severity.WARNING), new AlertLevel(0.001, Severity.CRITICAL));

    @Test
    void quantileInterpolatesBetweenOrderStatistics() {
        double[] one = {7};
        assertEquals(7, ThresholdCalibrator.quantile(one, 0.3));
        double[] four = {1, 2, 3, 4};
        assertEquals(1, ThresholdCalibrator.quantile(four, 0));
        assertEquals(4, ThresholdCalibrator.quantile(four, 1));
        assertEquals(2.5, ThresholdCalibrator.quantile(four, 0.5), 1e-12);
        // (n-1)p = 3 * 0.1 = 0.3 -> 1 + 0.3
        assertEquals(1.3, ThresholdCalibrator.quantile(four, 0.1), 1e-12);
    }

    @Test
    void globalAndPerContextQuantilesWithFallback() {
        // 1000 rows of "A" with densities 1..1000; 10 rows of "B" with densities -10..-1 (below minContextSamples)
        List<Map<String, String>> ctx = new ArrayList<>();
        double[] d = new double[1010];
        for (int i = 0; i < 1000; i++) {
            d[i] = i + 1;
            ctx.add(Map.of("shop", "A"));
        }
        for (int i = 0; i < 10; i++) {
            d[1000 + i] = -10 + i;
            ctx.add(Map.of("shop", "B"));
        }
        Thresholds t = new ThresholdCalibrator(LEVELS, 100)
                .calibrate(d, ctx, List.of("shop"), Map.of("shop", List.of("A", "B", "C")));
        ThresholdLevel warn = t.levels().stream().filter(l -> l.severity() == Severity.WARNING).findFirst().orElseThrow();
        // global 1% of 1010 values: h = 1009 * 0.01 = 10.09 -> sorted[10] = 1, sorted[11] = 2 -> 1.09
        assertEquals(1.09, warn.global(), 1e-9);
        assertEquals(1010, warn.globalCount());
        // A: h = 999 * 0.01 = 9.99 -> 10 + 0.99
        ContextThreshold a = warn.forContext("shop", "A");
        assertEquals(10.99, a.threshold(), 1e-9);
        assertEquals(1000, a.count());
        assertFalse(a.fallback());
        ContextThreshold b = warn.forContext("shop", "B");
        assertTrue(b.fallback());
        assertEquals(10, b.count());
        assertEquals(warn.global(), b.threshold());
        ContextThreshold c = warn.forContext("shop", "C");
        assertTrue(c.fallback());
        assertEquals(0, c.count());
        // at the 0.1% level, 1000 rows leave one point below the quantile and A is the only value with enough rows
        // for 1%, so the pooled standardised tail is A's own: u = (x - 10.99) / (500.5 - 10.99); its 0.1% quantile
        // (h = 0.999 -> 1 + 0.999) maps back to A's own 0.1% quantile
        ThresholdLevel crit = t.levels().stream().filter(l -> l.severity() == Severity.CRITICAL).findFirst().orElseThrow();
        ContextThreshold aCrit = crit.forContext("shop", "A");
        assertFalse(aCrit.fallback());
        assertEquals(1.999, aCrit.threshold(), 1e-9);
        assertEquals(1000, aCrit.count());
        assertTrue(crit.forContext("shop", "B").fallback());
        assertEquals(crit.global(), crit.forContext("shop", "B").threshold());
        // evaluation uses the context scope
        assertEquals("shop=A", t.evaluate(5, Map.of("shop", "A")).scope());
        assertEquals("global", t.evaluate(5, Map.of("shop", "B")).scope());
    }

    @Test
    void contextsOnDifferentScalesAlertAtTheirLevelWhenTheRareLevelIsExtrapolated() {
        // log-densities of two contexts on different scales (as entity types with different feature units are):
        // "a" ~ N(-15, 1), "b" ~ N(-30, 2); 3,000 held-out rows each: enough for the 1% quantile, not the 0.1% one
        java.util.Random rng = new java.util.Random(11);
        int n = 3000;
        double[] d = new double[2 * n];
        List<Map<String, String>> ctx = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            boolean a = i < n;
            d[i] = a ? -15 + rng.nextGaussian() : -30 + 2 * rng.nextGaussian();
            ctx.add(Map.of("type", a ? "a" : "b"));
        }
        Thresholds t = new ThresholdCalibrator(LEVELS, 500).calibrate(d, ctx, List.of("type"), Map.of());
        // fresh data from the same distributions: the critical alert rate per context stays near 0.001
        int fresh = 400_000;
        for (String type : List.of("a", "b")) {
            int critical = 0;
            for (int i = 0; i < fresh; i++) {
                double x = type.equals("a") ? -15 + rng.nextGaussian() : -30 + 2 * rng.nextGaussian();
                critical += t.evaluate(x, Map.of("type", type)).severity() == Severity.CRITICAL ? 1 : 0;
            }
            double rate = (double) critical / fresh;
            // the global threshold alone would give ~0 for "a" and ~0.4 for "b"
            assertTrue(rate > 0.0003 && rate < 0.003, type + ": critical rate " + rate);
        }
    }

    @Test
    void typicalContributionsAreMediansPerFeature() {
        List<double[]> rows = List.of(new double[] {1, -5}, new double[] {3, -1}, new double[] {2, -3},
                new double[] {10, 0});
        Map<String, Double> typical = ThresholdCalibrator.typicalContributions(List.of("x", "y"), rows);
        assertEquals(2.5, typical.get("x"), 1e-12);
        assertEquals(-2, typical.get("y"), 1e-12);
    }

    @Test
    void rejectsEmptyOrNonFiniteInput() {
        ThresholdCalibrator c = new ThresholdCalibrator(LEVELS, 10);
        assertThrows(IllegalArgumentException.class, () -> c.calibrate(new double[0], List.of(), List.of(), Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.calibrate(new double[] {1, Double.NaN}, List.of(Map.of(), Map.of()), List.of(), Map.of()));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ThresholdCalibrator(LEVELS, 0));
    }
}
