package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.ContextCombination;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

class ThresholdCalibratorTest {

    private static final List<AlertLevel> LEVELS =
            List.of(new AlertLevel(0.01, Severity.WARNING), new AlertLevel(0.001, Severity.CRITICAL));
    private static final List<AlertLevel> RARE_LEVELS =
            List.of(new AlertLevel(0.01, Severity.WARNING), new AlertLevel(1e-4, Severity.CRITICAL));

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
    void globalAndPerContextThresholdsWithFallback() {
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
        TailCalibration fit = new ThresholdCalibrator(LEVELS, 100)
                .fitTails(d, ctx, List.of("shop"), Map.of("shop", List.of("A", "B", "C")));
        Thresholds t = fit.thresholds();
        ThresholdLevel warn = t.levels().stream().filter(l -> l.severity() == Severity.WARNING).findFirst().orElseThrow();
        ThresholdLevel crit = t.levels().stream().filter(l -> l.severity() == Severity.CRITICAL).findFirst().orElseThrow();
        assertEquals(1010, warn.globalCount());
        assertEquals(fit.node("global").threshold(0.01), warn.global());
        assertEquals(fit.node("global").threshold(0.001), crit.global());
        assertTrue(crit.global() < warn.global());
        // A: 1000 rows, its own fitted tail at both levels (n·q = 1 row expected below the critical threshold)
        for (ThresholdLevel l : List.of(warn, crit)) {
            ContextThreshold a = l.forContext("shop", "A");
            assertFalse(a.fallback());
            assertEquals(1000, a.count());
            assertEquals(fit.node("shop=A").threshold(l.level()), a.threshold());
            assertTrue(a.threshold() > l.global(), "A has none of B's low densities");
            // B (10 rows) and C (vocabulary only) copy the global threshold
            assertTrue(l.forContext("shop", "B").fallback());
            assertEquals(10, l.forContext("shop", "B").count());
            assertEquals(l.global(), l.forContext("shop", "B").threshold());
            assertTrue(l.forContext("shop", "C").fallback());
            assertEquals(0, l.forContext("shop", "C").count());
        }
        assertTrue(crit.forContext("shop", "A").threshold() < warn.forContext("shop", "A").threshold());
        assertEquals(1000, fit.node("shop=A").tail().count());
        assertEquals(100, fit.node("shop=A").tail().exceedances());
        assertNull(fit.node("shop=B").tail());
        // evaluation uses the context scope
        assertEquals("shop=A", t.evaluate(500, Map.of("shop", "A")).scope());
        assertEquals("global", t.evaluate(500, Map.of("shop", "B")).scope());
    }

    @Test
    void eachLevelUsesTheMostSpecificContextWithEnoughRowsForIt() {
        // levels 0.01 and 0.0001; type=big: 5,000 rows (own thresholds at both levels); type=mid: 500 rows
        // (≥ minContextSamples 300, but 500 * 0.0001 < 0.1 rows expected below a critical threshold: too far beyond
        // its data); type=tiny: 50 rows; all in region=r1 (5,550 rows)
        Random rng = new Random(3);
        List<Map<String, String>> ctx = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        for (String[] g : new String[][] {{"big", "5000", "-10"}, {"mid", "500", "-20"}, {"tiny", "50", "-30"}}) {
            for (int i = 0; i < Integer.parseInt(g[1]); i++) {
                d.add(Double.parseDouble(g[2]) + rng.nextGaussian());
                ctx.add(Map.of("type", g[0], "region", "r1"));
            }
        }
        Thresholds t = new ThresholdCalibrator(RARE_LEVELS, 300).calibrate(d.stream().mapToDouble(x -> x).toArray(),
                ctx, List.of("type", "region"), Map.of());
        ThresholdLevel warn = t.levels().get(0);
        ThresholdLevel crit = t.levels().get(1);
        assertFalse(warn.forContext("type", "big").fallback());
        assertFalse(crit.forContext("type", "big").fallback());
        assertFalse(warn.forContext("type", "mid").fallback(), "500 rows: own warning threshold");
        assertTrue(crit.forContext("type", "mid").fallback(), "500 rows: no own critical threshold");
        assertTrue(warn.forContext("type", "tiny").fallback());
        assertFalse(crit.forContext("region", "r1").fallback());
        Map<String, String> mid = Map.of("type", "mid", "region", "r1");
        // warning: mid×r1 (the same 500 rows) has its own and comes first (model format 5); critical: neither has
        assertEquals("type=mid,region=r1", t.evaluate(-20, mid).scope());
        assertEquals("type=mid", t.evaluate(-20, Map.of("type", "mid")).scope());
        Evaluation deep = t.evaluate(-100, mid);
        assertEquals(Severity.CRITICAL, deep.severity());
        assertEquals("region=r1", deep.scope(), "critical: the next field with its own threshold");
        assertEquals(crit.forContext("region", "r1").threshold(), deep.threshold());
        assertEquals("region=r1", t.evaluate(-100, Map.of("type", "tiny", "region", "r1")).scope());
        assertEquals("global", t.evaluate(-100, Map.of("type", "tiny")).scope());
    }

    @Test
    void combinationNodesAreFittedForReportsAndChosenByRows() {
        // a×x: 2,000 rows; a×y: 100 rows; b×x: 400 rows
        Random rng = new Random(5);
        List<Map<String, String>> ctx = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        for (String[] g : new String[][] {{"a", "x", "2000"}, {"a", "y", "100"}, {"b", "x", "400"}}) {
            for (int i = 0; i < Integer.parseInt(g[2]); i++) {
                d.add(rng.nextGaussian());
                ctx.add(Map.of("f", g[0], "g", g[1]));
            }
        }
        TailCalibration fit = new ThresholdCalibrator(LEVELS, 300).fitTails(d.stream().mapToDouble(x -> x).toArray(),
                ctx, List.of("f", "g"), Map.of());
        assertEquals(2000, fit.node("f=a,g=x").count());
        assertEquals(100, fit.node("f=a,g=y").count());
        assertEquals("f=a,g=x", fit.nodeFor(Map.of("f", "a", "g", "x"), 0.001).node().scope());
        assertEquals("f=a", fit.nodeFor(Map.of("f", "a", "g", "y"), 0.01).node().scope(), "100 rows < 300");
        assertEquals("f=b,g=x", fit.nodeFor(Map.of("f", "b", "g", "x"), 0.01).node().scope());
        assertEquals("f=b,g=x", fit.nodeFor(Map.of("f", "b", "g", "x"), 0.001).node().scope(), "400 * 0.001 >= 0.1");
        assertEquals("g=x", fit.nodeFor(Map.of("f", "b", "g", "x"), 1e-4).node().scope(), "400 * 0.0001 < 0.1");
        assertEquals("global", fit.nodeFor(Map.of(), 0.001).node().scope());
        // the stored thresholds hold the same nodes (model format 5): single fields per field, combinations apart
        assertNull(fit.thresholds().levels().get(0).perContext().get("f=a,g=x"));
        assertEquals(List.of("f", "g"), List.copyOf(fit.thresholds().levels().get(0).perContext().keySet()));
        assertStoredNodesAgreeWithNodeFor(fit, List.of(Map.of("f", "a", "g", "x"), Map.of("f", "a", "g", "y"),
                Map.of("f", "b", "g", "x"), Map.of("f", "b", "g", "y"), Map.of("f", "a"), Map.of()));
    }

    /**
     * Issue 13 item 4: a combination with enough held-out rows for a level gets its own stored threshold at that
     * level, one with too few gets no entry there (not even a fallback), and the detector's choice
     * ({@link Thresholds#evaluate}) is the calibrator's ({@link TailCalibration#nodeFor}).
     */
    @Test
    void combinationsWithEnoughHeldOutRowsAreStoredWithTheirOwnThresholds() {
        // a×x: 2,000 rows around -10; a×y: 400 rows around -30 (own at 0.01 and 0.001, not at 1e-4: 400·1e-4 < 0.1);
        // b×x: 100 rows (< minContextSamples 300): none
        Random rng = new Random(9);
        List<Map<String, String>> ctx = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        for (String[] g : new String[][] {{"a", "x", "2000", "-10"}, {"a", "y", "400", "-30"}, {"b", "x", "100", "-5"}}) {
            for (int i = 0; i < Integer.parseInt(g[2]); i++) {
                d.add(Double.parseDouble(g[3]) + rng.nextGaussian());
                ctx.add(Map.of("f", g[0], "g", g[1]));
            }
        }
        List<AlertLevel> levels = List.of(new AlertLevel(0.01, Severity.WARNING),
                new AlertLevel(0.001, Severity.CRITICAL), new AlertLevel(1e-4, Severity.CRITICAL));
        TailCalibration fit = new ThresholdCalibrator(levels.subList(0, 2), 300)
                .fitTails(d.stream().mapToDouble(x -> x).toArray(), ctx, List.of("f", "g"), Map.of());
        ContextCombination ax = new ContextCombination(List.of("f", "g"), List.of("a", "x"));
        ContextCombination ay = new ContextCombination(List.of("f", "g"), List.of("a", "y"));
        ContextCombination bx = new ContextCombination(List.of("f", "g"), List.of("b", "x"));
        for (ThresholdLevel l : fit.thresholds().levels()) {
            ContextThreshold own = l.forCombination(ay);
            assertFalse(own.fallback());
            assertEquals(400, own.count());
            assertEquals(fit.node("f=a,g=y").threshold(l.level()), own.threshold());
            assertEquals(fit.node("f=a,g=x").threshold(l.level()), l.forCombination(ax).threshold());
            assertNull(l.forCombination(bx), "100 rows: no entry");
            assertEquals(Set.of(ax, ay), l.perCombination().keySet());
        }
        // the detector judges a×y by its own threshold, not by f=a (a mixture of a×x and a×y)
        Map<String, String> ayContext = Map.of("f", "a", "g", "y");
        Evaluation e = fit.thresholds().evaluate(-36, ayContext);
        assertEquals("f=a,g=y", e.scope());
        assertEquals(fit.node("f=a,g=y").threshold(0.001), e.threshold());
        assertEquals(Severity.CRITICAL, e.severity());
        assertStoredNodesAgreeWithNodeFor(fit, List.of(ayContext, Map.of("f", "a", "g", "x"),
                Map.of("f", "b", "g", "x"), Map.of("f", "b", "g", "y"), Map.of("g", "y")));
        // at 1e-4 a×y has too few rows (400·1e-4 < 0.1): no entry at that level only
        TailCalibration rare = new ThresholdCalibrator(levels, 300)
                .fitTails(d.stream().mapToDouble(x -> x).toArray(), ctx, List.of("f", "g"), Map.of());
        assertNotNull(rare.thresholds().levels().get(1).forCombination(ay));
        assertNull(rare.thresholds().levels().get(2).forCombination(ay));
        assertNotNull(rare.thresholds().levels().get(2).forCombination(ax));
        assertEquals("f=a", rare.thresholds().scope(2, ayContext));
        assertStoredNodesAgreeWithNodeFor(rare, List.of(ayContext, Map.of("f", "a", "g", "x")));
    }

    /** For every context and level, the stored thresholds resolve to the node {@code nodeFor} picks. */
    private static void assertStoredNodesAgreeWithNodeFor(TailCalibration fit, List<Map<String, String>> contexts) {
        Thresholds t = fit.thresholds();
        for (Map<String, String> c : contexts) {
            for (int i = 0; i < t.levels().size(); i++) {
                double q = t.levels().get(i).level();
                NodeFit node = fit.nodeFor(c, q);
                assertEquals(node.node().scope(), t.scope(i, c), c + " at " + q);
                assertEquals(node.threshold(q), t.threshold(i, c), 0.0, c + " at " + q);
            }
        }
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
    void rareThresholdsFitEachContextsOwnTailShape() {
        // three contexts whose log-densities are those of Gaussians of dimension 2, 6 and 12 on their own scales
        // (tails of different shape, as entity types with different features have), 3,000 held-out rows each:
        // 3 rows below a 0.001 threshold. Root mean square of log(exact rate / q) over 40 seeds, per context.
        int[] dims = {2, 6, 12};
        double[] shift = {0, -8, -16};
        double[] sq = new double[dims.length];
        int seeds = 40;
        for (int s = 0; s < seeds; s++) {
            Random rng = new Random(1000 + s);
            List<Double> d = new ArrayList<>();
            List<Map<String, String>> ctx = new ArrayList<>();
            for (int c = 0; c < dims.length; c++) {
                for (int i = 0; i < 3000; i++) {
                    double r2 = 0;
                    for (int k = 0; k < dims[c]; k++) {
                        double z = rng.nextGaussian();
                        r2 += z * z;
                    }
                    d.add(shift[c] - 0.5 * r2);
                    ctx.add(Map.of("t", "d" + dims[c]));
                }
            }
            ThresholdLevel crit = new ThresholdCalibrator(LEVELS, 300).calibrate(
                    d.stream().mapToDouble(x -> x).toArray(), ctx, List.of("t"), Map.of()).levels().get(1);
            for (int c = 0; c < dims.length; c++) {
                ContextThreshold t = crit.forContext("t", "d" + dims[c]);
                assertFalse(t.fallback());
                double rate = 1 - new ChiSquaredDistribution(null, dims[c])
                        .cumulativeProbability(-2 * (t.threshold() - shift[c]));
                double logRatio = Math.log(Math.max(rate, 1e-12) / crit.level());
                sq[c] += logRatio * logRatio;
            }
        }
        for (int c = 0; c < dims.length; c++) {
            // the pooled-shape extrapolation this replaced: 0.49, 0.42, 0.53
            double rms = Math.sqrt(sq[c] / seeds);
            assertTrue(rms < 0.44, "dimension " + dims[c] + ": rms log rate ratio " + rms);
        }
    }

    @Test
    void combinationsThatDifferOnlyInLocationPoolTheirTailOffsets() {
        // eight regions of one entity type whose log-densities are those of one 6-dimensional Gaussian, shifted 0 to
        // -14 nats, 1,200 held-out rows each: 12 rows below a 0.01 threshold, ±30 % in rate alone. Root mean square
        // of log(exact rate / q) over combinations and 20 seeds, stored threshold against each combination's own
        // (calibrated on its rows alone, no context fields).
        int dim = 6;
        int contexts = 8;
        int rows = 1200;
        double q = 0.01;
        ChiSquaredDistribution chi2 = new ChiSquaredDistribution(null, dim);
        double sqPooled = 0;
        double sqOwn = 0;
        int seeds = 20;
        for (int s = 0; s < seeds; s++) {
            Random rng = new Random(500 + s);
            double[] d = new double[contexts * rows];
            List<Map<String, String>> ctx = new ArrayList<>();
            for (int c = 0; c < contexts; c++) {
                for (int i = 0; i < rows; i++) {
                    d[c * rows + i] = -2.0 * c - 0.5 * chiSquared(rng, dim);
                    ctx.add(Map.of("t", "a", "r", "r" + c));
                }
            }
            Thresholds stored = new ThresholdCalibrator(LEVELS, 300).calibrate(d, ctx, List.of("t", "r"), Map.of());
            for (int c = 0; c < contexts; c++) {
                double[] own = java.util.Arrays.copyOfRange(d, c * rows, (c + 1) * rows);
                double ownThreshold = new ThresholdCalibrator(LEVELS, 300)
                        .calibrate(own, java.util.Collections.nCopies(rows, Map.of()), List.of(), Map.of())
                        .levels().get(0).global();
                double pooled = stored.threshold(0, Map.of("t", "a", "r", "r" + c));
                sqPooled += sq(Math.log((1 - chi2.cumulativeProbability(-2 * (pooled + 2.0 * c))) / q));
                sqOwn += sq(Math.log((1 - chi2.cumulativeProbability(-2 * (ownThreshold + 2.0 * c))) / q));
            }
        }
        double rmsPooled = Math.sqrt(sqPooled / (seeds * contexts));
        double rmsOwn = Math.sqrt(sqOwn / (seeds * contexts));
        assertTrue(rmsPooled < 0.8 * rmsOwn, "pooled rms " + rmsPooled + " vs own " + rmsOwn);
    }

    @Test
    void aContextWithManyRowsKeepsNearlyItsOwnThreshold() {
        // region "big" (50,000 rows, 500 below its 0.01 threshold, a 2-dimensional tail) among four small regions
        // of the same type with 12-dimensional tails (a much longer offset): pooling must not pull the big one
        // towards its siblings
        Random rng = new Random(8);
        List<Double> d = new ArrayList<>();
        List<Map<String, String>> ctx = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            d.add(-0.5 * chiSquared(rng, 2));
            ctx.add(Map.of("t", "a", "r", "big"));
        }
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 1200; i++) {
                d.add(-3.0 * c - 0.5 * chiSquared(rng, 12));
                ctx.add(Map.of("t", "a", "r", "small" + c));
            }
        }
        double[] values = d.stream().mapToDouble(x -> x).toArray();
        TailCalibration fit = new ThresholdCalibrator(LEVELS, 300).fitTails(values, ctx, List.of("t", "r"), Map.of());
        NodeFit big = fit.node("t=a,r=big");
        double ownOffset = big.ownThreshold(0.01) - big.location();
        double shift = fit.thresholds().threshold(0, Map.of("t", "a", "r", "big")) - big.ownThreshold(0.01);
        assertTrue(Math.abs(shift) < 0.05 * Math.abs(ownOffset), "moved " + shift + " of offset " + ownOffset);
        assertTrue(Math.abs(shift) > 0, "a pooled context moves at least a little");
    }

    /** A χ² draw with {@code dim} degrees of freedom (also used by {@code PooledThresholdIntervalTest}). */
    static double chiSquared(Random rng, int dim) {
        double r2 = 0;
        for (int k = 0; k < dim; k++) {
            double z = rng.nextGaussian();
            r2 += z * z;
        }
        return r2;
    }

    private static double sq(double x) {
        return x * x;
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
