package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.state.TestModels;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerTest {
    private static final long NOON_UTC = 1_700_049_600_000L; // 2023-11-15T12:00Z
    private final NormalcyModel model = TestModels.model();

    private static Map<String, Double> features(double amount, double count, double ratio) {
        Map<String, Double> f = new HashMap<>();
        f.put("amount", amount);
        f.put("count", count);
        f.put("ratio", ratio);
        return f;
    }

    @Test
    void logDensityIsFlowDensityPlusPreprocessingLogDets() {
        double amount = 12.0;
        double count = 3;
        double ratio = -0.9;
        Score s = model.newScorer().score(features(amount, count, ratio), Map.of("shop", "B"), Map.of(), NOON_UTC);
        // independent composition of the design's preprocessing and context encoding
        double yAmount = Math.log1p(amount);
        double[] u = {(yAmount - 3.0) / 1.5, (count + 0.5 - 4.0) / 2.0, (ratio + 1.0) / 0.25};
        double[] ctx = {0, 1, 0, Math.sin(2 * Math.PI * 12 / 24), Math.cos(2 * Math.PI * 12 / 24)};
        double expected = model.flow().logProb(u, ctx) - yAmount - Math.log(1.5) - Math.log(2.0) - Math.log(0.25);
        assertEquals(expected, s.logDensity(), 1e-12);
        double sum = 0;
        for (double c : s.contributions()) {
            sum += c;
        }
        assertEquals(s.logDensity(), sum, 1e-10);
        // MAF NATURAL: the first feature's contribution is log p(amount | c) and does not depend on later features
        Score other = model.newScorer().score(features(amount, 7, 0.3), Map.of("shop", "B"), Map.of(), NOON_UTC);
        assertEquals(s.contributions()[0], other.contributions()[0], 1e-12);
        assertNotEquals(s.contributions()[2], other.contributions()[2]);
    }

    @Test
    void contextChangesTheDensityAndUnknownValuesAreScorable() {
        Scorer scorer = model.newScorer();
        Map<String, Double> f = features(5, 2, -1);
        double a = scorer.score(f, Map.of("shop", "A"), Map.of(), NOON_UTC).logDensity();
        double b = scorer.score(f, Map.of("shop", "B"), Map.of(), NOON_UTC).logDensity();
        double unseen = scorer.score(f, Map.of("shop", "Z"), Map.of(), NOON_UTC).logDensity();
        double none = scorer.score(f, Map.of(), Map.of(), NOON_UTC).logDensity();
        assertNotEquals(a, b);
        assertTrue(Double.isFinite(unseen));
        assertEquals(unseen, none, 1e-12, "a missing categorical value uses the unknown slot");
    }

    @Test
    void scorerReusesBuffersAcrossRecords() {
        Scorer scorer = model.newScorer();
        double[] c1 = new double[3];
        double first = scorer.scoreInto(features(1, 1, -1), Map.of("shop", "A"), Map.of(), 0, c1);
        scorer.scoreInto(features(100, 9, 2), Map.of("shop", "B"), Map.of(), NOON_UTC, new double[3]);
        double[] c2 = new double[3];
        double again = scorer.scoreInto(features(1, 1, -1), Map.of("shop", "A"), Map.of(), 0, c2);
        assertEquals(first, again, 0.0);
        assertArrayEquals(c1, c2, 0.0);
    }

    @Test
    void missingFeature() {
        Map<String, Double> f = features(1, 1, 1);
        f.remove("count");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> model.newScorer().score(f, Map.of(), Map.of(), 0));
        assertEquals(Reason.MISSING_FEATURE, e.reason());
        assertTrue(e.getMessage().contains("'count'"), e.getMessage());
    }

    @Test
    void nonFiniteFeature() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> model.newScorer().score(features(1, 1, bad), Map.of(), Map.of(), 0));
            assertEquals(Reason.NON_FINITE_FEATURE, e.reason());
            assertTrue(e.getMessage().contains("'ratio'"), e.getMessage());
        }
    }

    @Test
    void unknownFeature() {
        Map<String, Double> f = features(1, 1, 1);
        f.put("colour", 3.0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> model.newScorer().score(f, Map.of(), Map.of(), 0));
        assertEquals(Reason.UNKNOWN_FEATURE, e.reason());
        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
    }

    @Test
    void valuesThePreprocessingRejects() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> model.newScorer().score(features(1, 1.5, 1), Map.of(), Map.of(), 0));
        assertEquals(Reason.INVALID_VALUE, e.reason());
        assertTrue(e.getMessage().contains("'count'"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> model.newScorer().score(features(-3, 1, 1), Map.of(), Map.of(), 0));
        assertEquals(Reason.INVALID_VALUE, e.reason());
        assertTrue(e.getMessage().contains("'amount'"), e.getMessage());
    }
}
