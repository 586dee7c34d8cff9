package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

    /** warning at -10 globally, critical at -20; country=DE has its own (-5/-8), country=XX is a fallback. */
    private static Thresholds thresholds() {
        Map<String, Map<String, ContextThreshold>> warnCtx = new LinkedHashMap<>();
        warnCtx.put("country", Map.of("DE", new ContextThreshold(-5, 900, false),
                "XX", new ContextThreshold(-10, 3, true)));
        warnCtx.put("channel", Map.of("web", new ContextThreshold(-7, 800, false)));
        Map<String, Map<String, ContextThreshold>> critCtx = new LinkedHashMap<>();
        critCtx.put("country", Map.of("DE", new ContextThreshold(-8, 900, false),
                "XX", new ContextThreshold(-20, 3, true)));
        critCtx.put("channel", Map.of("web", new ContextThreshold(-12, 800, false)));
        // deliberately given most severe first: the constructor sorts
        return new Thresholds(List.of(
                new ThresholdLevel(0.001, Severity.CRITICAL, -20, 10_000, critCtx),
                new ThresholdLevel(0.01, Severity.WARNING, -10, 10_000, warnCtx)),
                List.of("country", "channel"));
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
        assertEquals(new Evaluation(Severity.NORMAL, -10, 0.01, "global"), t.evaluate(-9.99, Map.of()));
        assertEquals(new Evaluation(Severity.WARNING, -10, 0.01, "global"), t.evaluate(-10.5, Map.of()));
        assertEquals(new Evaluation(Severity.CRITICAL, -20, 0.001, "global"), t.evaluate(-25, null));
        // exactly at the threshold is not below it
        assertEquals(Severity.NORMAL, t.evaluate(-10, Map.of()).severity());
    }

    @Test
    void firstCategoricalFieldWithOwnThresholdDecides() {
        Thresholds t = thresholds();
        Evaluation e = t.evaluate(-6, Map.of("country", "DE", "channel", "web"));
        assertEquals(new Evaluation(Severity.WARNING, -5, 0.01, "country=DE"), e);
        assertEquals(new Evaluation(Severity.CRITICAL, -8, 0.001, "country=DE"),
                t.evaluate(-9, Map.of("country", "DE")));
    }

    @Test
    void fallbackValueSkipsToNextFieldThenGlobal() {
        Thresholds t = thresholds();
        assertEquals(new Evaluation(Severity.WARNING, -7, 0.01, "channel=web"),
                t.evaluate(-7.5, Map.of("country", "XX", "channel", "web")));
        assertEquals(new Evaluation(Severity.NORMAL, -10, 0.01, "global"),
                t.evaluate(-7.5, Map.of("country", "XX", "channel", "app")));
        assertEquals(new Evaluation(Severity.NORMAL, -10, 0.01, "global"),
                t.evaluate(-7.5, Map.of("country", "unseen")));
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
