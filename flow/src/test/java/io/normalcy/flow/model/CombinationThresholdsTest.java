package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Combination thresholds (model format 5): the event's combination of all categorical fields comes first. */
class CombinationThresholdsTest {
    private static final List<String> FIELDS = List.of("entityType", "region");

    private static ContextCombination combination(String type, String region) {
        return new ContextCombination(FIELDS, List.of(type, region));
    }

    /**
     * warning −10 / critical −20 globally; entityType=grocery −5 / −8; region=eu −9 / −15; the combination
     * grocery×eu −4 / −7, grocery×us only at the warning level (−6), travel×eu a fallback entry (ignored).
     */
    private static Thresholds thresholds() {
        Map<String, Map<String, ContextThreshold>> warnCtx = new LinkedHashMap<>();
        warnCtx.put("entityType", Map.of("grocery", new ContextThreshold(-5, 3000, false),
                "travel", new ContextThreshold(-10, 40, true)));
        warnCtx.put("region", Map.of("eu", new ContextThreshold(-9, 2000, false)));
        Map<String, Map<String, ContextThreshold>> critCtx = new LinkedHashMap<>();
        critCtx.put("entityType", Map.of("grocery", new ContextThreshold(-8, 3000, false),
                "travel", new ContextThreshold(-20, 40, true)));
        critCtx.put("region", Map.of("eu", new ContextThreshold(-15, 2000, false)));
        Map<ContextCombination, ContextThreshold> warnComb = new LinkedHashMap<>();
        warnComb.put(combination("grocery", "eu"), new ContextThreshold(-4, 1500, false));
        warnComb.put(combination("grocery", "us"), new ContextThreshold(-6, 400, false));
        warnComb.put(combination("travel", "eu"), new ContextThreshold(-10, 20, true));
        Map<ContextCombination, ContextThreshold> critComb = Map.of(combination("grocery", "eu"),
                new ContextThreshold(-7, 1500, false));
        return new Thresholds(List.of(
                new ThresholdLevel(0.001, Severity.CRITICAL, -20, 10_000, critCtx, critComb),
                new ThresholdLevel(0.01, Severity.WARNING, -10, 10_000, warnCtx, warnComb)), FIELDS);
    }

    private static void assertEvaluation(Severity severity, double threshold, String scope, Evaluation e) {
        assertEquals(severity, e.severity(), e.toString());
        assertEquals(threshold, e.threshold(), 0, e.toString());
        assertEquals(scope, e.scope(), e.toString());
    }

    @Test
    void theCombinationIsChosenBeforeTheFirstField() {
        Thresholds t = thresholds();
        Map<String, String> groceryEu = Map.of("entityType", "grocery", "region", "eu");
        assertEvaluation(Severity.NORMAL, -4, "entityType=grocery,region=eu", t.evaluate(-3.5, groceryEu));
        assertEvaluation(Severity.WARNING, -4, "entityType=grocery,region=eu", t.evaluate(-4.5, groceryEu));
        assertEvaluation(Severity.CRITICAL, -7, "entityType=grocery,region=eu", t.evaluate(-7.5, groceryEu));
        // the same value of the first field in another region without a combination of its own
        assertEvaluation(Severity.CRITICAL, -8, "entityType=grocery",
                t.evaluate(-8.5, Map.of("entityType", "grocery", "region", "apac")));
    }

    @Test
    void aCombinationWithoutItsOwnThresholdAtALevelFallsBackAtThatLevelOnly() {
        Thresholds t = thresholds();
        Map<String, String> groceryUs = Map.of("entityType", "grocery", "region", "us");
        assertEvaluation(Severity.WARNING, -6, "entityType=grocery,region=us", t.evaluate(-6.5, groceryUs));
        assertEvaluation(Severity.CRITICAL, -8, "entityType=grocery", t.evaluate(-8.5, groceryUs));
        assertEquals("entityType=grocery,region=us", t.scope(0, groceryUs));
        assertEquals("entityType=grocery", t.scope(1, groceryUs));
        assertEquals(-6, t.threshold(0, groceryUs));
        assertEquals(-8, t.threshold(1, groceryUs));
        // a fallback combination entry is ignored: travel has no own threshold, so the region decides
        Map<String, String> travelEu = Map.of("entityType", "travel", "region", "eu");
        assertEvaluation(Severity.WARNING, -9, "region=eu", t.evaluate(-9.5, travelEu));
        assertEvaluation(Severity.CRITICAL, -15, "region=eu", t.evaluate(-16, travelEu));
        // a context lacking a field has no combination
        assertEvaluation(Severity.WARNING, -5, "entityType=grocery", t.evaluate(-5.5, Map.of("entityType", "grocery")));
        assertEvaluation(Severity.WARNING, -10, "global", t.evaluate(-10.5, Map.of("region", "us")));
        assertEvaluation(Severity.CRITICAL, -20, "global", t.evaluate(-25, null));
    }

    /** The scope string is built with the thresholds (once per model version), not per event. */
    @Test
    void theScopeStringIsBuiltOnce() {
        Thresholds t = thresholds();
        Map<String, String> groceryEu = Map.of("entityType", "grocery", "region", "eu");
        assertSame(t.evaluate(-4.5, groceryEu).scope(), t.evaluate(-7.5, new LinkedHashMap<>(groceryEu)).scope());
    }

    @Test
    void thePValueUsesTheCombinationThresholdsAndAgreesWithTheSeverity() {
        Thresholds t = thresholds();
        Map<String, String> groceryEu = Map.of("entityType", "grocery", "region", "eu");
        assertEquals(0.01, t.pValue(-4, groceryEu), 1e-15);
        assertEquals(0.001, t.pValue(-7, groceryEu), 1e-15);
        // grocery×us: warning from the combination (−6), critical from entityType=grocery (−8)
        Map<String, String> groceryUs = Map.of("entityType", "grocery", "region", "us");
        assertEquals(0.01, t.pValue(-6, groceryUs), 1e-15);
        assertEquals(0.001, t.pValue(-8, groceryUs), 1e-15);
        for (Map<String, String> ctx : List.of(groceryEu, groceryUs, Map.of("entityType", "travel", "region", "eu"))) {
            double previous = 0;
            for (double ld = -40; ld <= 5; ld += 0.05) {
                Evaluation e = t.evaluate(ld, ctx);
                assertTrue(e.pValue() >= previous, ctx + " at " + ld);
                previous = e.pValue();
                assertEquals(e.pValue(), t.pValue(ld, ctx), 0.0, ctx + " at " + ld);
                assertEquals(e.severity() == Severity.CRITICAL, e.pValue() < 0.001, ctx + " at " + ld + ": " + e);
                assertEquals(e.severity() != Severity.NORMAL, e.pValue() < 0.01, ctx + " at " + ld + ": " + e);
            }
        }
    }

    @Test
    void combinationsTakePartInEquality() {
        Thresholds with = thresholds();
        List<ThresholdLevel> without = with.levels().stream().map(l -> new ThresholdLevel(l.level(), l.severity(),
                l.global(), l.globalCount(), l.perContext())).toList();
        assertNotEquals(with, new Thresholds(without, FIELDS));
        assertEquals(with, thresholds());
    }

    @Test
    void badCombinationsAreNamed() {
        ContextThreshold t = new ContextThreshold(-1, 1000, false);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                level(Map.of(new ContextCombination(List.of("entityType", "colour"), List.of("a", "red")), t))),
                FIELDS));
        assertTrue(unknown.getMessage().contains("'colour'") && unknown.getMessage().contains("not a categorical"),
                unknown.getMessage());
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                level(Map.of(new ContextCombination(List.of("entityType", "region"), List.of("a", "eu")), t))),
                List.of("entityType", "region", "channel")));
        assertTrue(arity.getMessage().contains("of 2 fields") && arity.getMessage().contains("all 3"),
                arity.getMessage());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> new Thresholds(List.of(
                level(Map.of(new ContextCombination(List.of("region", "entityType"), List.of("eu", "a")), t))),
                FIELDS));
        assertTrue(order.getMessage().contains("ContextSpec order"), order.getMessage());
        IllegalArgumentException values = assertThrows(IllegalArgumentException.class,
                () -> new ContextCombination(FIELDS, List.of("a")));
        assertTrue(values.getMessage().contains("2 fields but 1 values"), values.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ContextCombination(List.of("a"), List.of("x")));
        assertThrows(IllegalArgumentException.class,
                () -> new ContextCombination(List.of("a", "a"), List.of("x", "y")));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> level(Map.of(
                combination("a", "eu"), new ContextThreshold(Double.POSITIVE_INFINITY, 1, false))));
        assertTrue(nan.getMessage().contains("entityType=a,region=eu"), nan.getMessage());
    }

    private static ThresholdLevel level(Map<ContextCombination, ContextThreshold> combinations) {
        return new ThresholdLevel(0.01, Severity.WARNING, -10, 100, Map.of(), combinations);
    }
}
