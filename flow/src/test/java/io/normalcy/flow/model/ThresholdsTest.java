package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

    /**
     * warning at -10 globally, critical at -20; country=DE has its own (-5/-8), country=XX is a fallback, country=FR
     * has its own warning threshold (-6) but too few rows for the critical level.
     */
    private static Thresholds thresholds() {
        Map<String, Map<String, ContextThreshold>> warnCtx = new LinkedHashMap<>();
        warnCtx.put("country", Map.of("DE", new ContextThreshold(-5, 900, false),
                "XX", new ContextThreshold(-10, 3, true), "FR", new ContextThreshold(-6, 600, false)));
        warnCtx.put("channel", Map.of("web", new ContextThreshold(-7, 800, false)));
        Map<String, Map<String, ContextThreshold>> critCtx = new LinkedHashMap<>();
        critCtx.put("country", Map.of("DE", new ContextThreshold(-8, 900, false),
                "XX", new ContextThreshold(-20, 3, true), "FR", new ContextThreshold(-20, 600, true)));
        critCtx.put("channel", Map.of("web", new ContextThreshold(-12, 800, false)));
        // deliberately given most severe first: the constructor sorts
        return new Thresholds(List.of(
                new ThresholdLevel(0.001, Severity.CRITICAL, -20, 10_000, critCtx),
                new ThresholdLevel(0.01, Severity.WARNING, -10, 10_000, warnCtx)),
                List.of("country", "channel"));
    }

    /** Severity, threshold, level and scope of {@code e} (its p-value is tested on its own below). */
    private static void assertEvaluation(Severity severity, double threshold, double level, String scope,
                                         Evaluation e) {
        assertEquals(severity, e.severity(), e.toString());
        assertEquals(threshold, e.threshold(), 0, e.toString());
        assertEquals(level, e.level(), 0, e.toString());
        assertEquals(scope, e.scope(), e.toString());
    }

    @Test
    void levelsAreSortedFromLeastToMostSevere() {
        List<ThresholdLevel> levels = thresholds().levels();
        assertEquals(Severity.WARNING, levels.get(0).severity());
        assertEquals(Severity.CRITICAL, levels.get(1).severity());
    }

    @Test
    void globalScopeWithoutContext() {
        Thresholds t = thresholds();
        assertEvaluation(Severity.NORMAL, -10, 0.01, "global", t.evaluate(-9.99, Map.of()));
        assertEvaluation(Severity.WARNING, -10, 0.01, "global", t.evaluate(-10.5, Map.of()));
        assertEvaluation(Severity.CRITICAL, -20, 0.001, "global", t.evaluate(-25, null));
        // exactly at the threshold is not below it
        assertEquals(Severity.NORMAL, t.evaluate(-10, Map.of()).severity());
    }

    @Test
    void firstCategoricalFieldWithOwnThresholdDecides() {
        Thresholds t = thresholds();
        Evaluation e = t.evaluate(-6, Map.of("country", "DE", "channel", "web"));
        assertEvaluation(Severity.WARNING, -5, 0.01, "country=DE", e);
        assertEvaluation(Severity.CRITICAL, -8, 0.001, "country=DE", t.evaluate(-9, Map.of("country", "DE")));
    }

    @Test
    void fallbackValueSkipsToNextFieldThenGlobal() {
        Thresholds t = thresholds();
        assertEvaluation(Severity.WARNING, -7, 0.01, "channel=web",
                t.evaluate(-7.5, Map.of("country", "XX", "channel", "web")));
        assertEvaluation(Severity.NORMAL, -10, 0.01, "global",
                t.evaluate(-7.5, Map.of("country", "XX", "channel", "app")));
        assertEvaluation(Severity.NORMAL, -10, 0.01, "global", t.evaluate(-7.5, Map.of("country", "unseen")));
    }

    @Test
    void aValueWithoutItsOwnRareThresholdMovesToTheNextFieldAtThatLevelOnly() {
        Thresholds t = thresholds();
        Map<String, String> frWeb = Map.of("country", "FR", "channel", "web");
        // warning: FR's own threshold; critical: FR has none, channel=web's (-12) decides, not the global -20
        assertEvaluation(Severity.WARNING, -6, 0.01, "country=FR", t.evaluate(-6.5, frWeb));
        assertEvaluation(Severity.CRITICAL, -12, 0.001, "channel=web", t.evaluate(-13, frWeb));
        assertEvaluation(Severity.NORMAL, -6, 0.01, "country=FR", t.evaluate(-5, frWeb));
        // without a second field, the global critical threshold
        assertEvaluation(Severity.WARNING, -6, 0.01, "country=FR", t.evaluate(-13, Map.of("country", "FR")));
        assertEvaluation(Severity.CRITICAL, -20, 0.001, "global", t.evaluate(-21, Map.of("country", "FR")));
    }

    @Test
    void pValueInterpolatesTheTailExponentiallyBetweenLevels() {
        Thresholds t = thresholds();
        // global: 0.01 at -10, 0.001 at -20, i.e. a factor 10 per 10 nats
        assertEquals(0.01, t.pValue(-10, Map.of()), 1e-15);
        assertEquals(0.001, t.pValue(-20, Map.of()), 1e-15);
        assertEquals(Math.sqrt(0.01 * 0.001), t.pValue(-15, Map.of()), 1e-15);
        assertEquals(1e-4, t.pValue(-30, Map.of()), 1e-16, "beyond the rarest level: the last slope");
        assertEquals(0.1, t.pValue(0, Map.of()), 1e-14, "above the least severe level: the first slope");
        assertEquals(1, t.pValue(50, Map.of()), "capped at 1");
        // in a context: DE's own thresholds (-5, -8)
        Map<String, String> de = Map.of("country", "DE");
        assertEquals(0.01, t.pValue(-5, de), 1e-15);
        assertEquals(0.001, t.pValue(-8, de), 1e-15);
        assertEquals(t.pValue(-9, de), t.evaluate(-9, de).pValue());
        assertTrue(Double.isNaN(t.pValue(Double.NaN, de)));
    }

    @Test
    void pValueIsMonotoneAndBelowTheLevelExactlyWhenTheSeverityIsReached() {
        Thresholds t = thresholds();
        for (Map<String, String> ctx : List.of(Map.<String, String>of(), Map.of("country", "DE"),
                Map.of("country", "FR", "channel", "web"), Map.of("country", "XX"))) {
            double previous = 0;
            for (double ld = -40; ld <= 5; ld += 0.05) {
                Evaluation e = t.evaluate(ld, ctx);
                double p = e.pValue();
                assertTrue(p >= previous && p <= 1, ctx + " at " + ld + ": " + p + " after " + previous);
                previous = p;
                assertEquals(e.severity() == Severity.CRITICAL, p < 0.001, ctx + " at " + ld + ": " + e);
                assertEquals(e.severity() != Severity.NORMAL, p < 0.01, ctx + " at " + ld + ": " + e);
            }
        }
    }

    @Test
    void pValueNeedsTwoLevels() {
        Thresholds one = new Thresholds(List.of(new ThresholdLevel(0.01, Severity.WARNING, -10, 100, Map.of())),
                List.of());
        assertTrue(Double.isNaN(one.pValue(-12, Map.of())));
        assertTrue(Double.isNaN(one.evaluate(-12, Map.of()).pValue()));
        assertEquals(Severity.WARNING, one.evaluate(-12, Map.of()).severity());
        assertTrue(Double.isNaN(Thresholds.none().evaluate(-12, Map.of()).pValue()));
    }

    @Test
    void emptyThresholdsAreAlwaysNormal() {
        Evaluation e = Thresholds.none().evaluate(-1e9, Map.of());
        assertEquals(Severity.NORMAL, e.severity());
        assertTrue(Double.isNaN(e.threshold()));
    }

    @Test
    void rejectsInconsistentLevels() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                new ThresholdLevel(0.01, Severity.CRITICAL, -10, 1, Map.of()),
                new ThresholdLevel(0.001, Severity.WARNING, -20, 1, Map.of())), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                new ThresholdLevel(0.01, Severity.WARNING, -10, 1, Map.of()),
                new ThresholdLevel(0.01, Severity.CRITICAL, -20, 1, Map.of())), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                new ThresholdLevel(0.01, Severity.WARNING, -10, 1,
                        Map.of("region", Map.of("a", new ContextThreshold(-1, 1, false))))), List.of("country")));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ThresholdLevel(0.01, Severity.WARNING, Double.NaN, 1, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ThresholdLevel(1.5, Severity.WARNING, -1, 1, Map.of()));
    }
}
