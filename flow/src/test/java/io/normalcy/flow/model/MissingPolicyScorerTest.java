package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.state.TestModels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 12 item 4: the Scorer applies each feature's declared missing-value policy. */
class MissingPolicyScorerTest {
    private static final double AMOUNT_MEDIAN = 17.5;
    private static final double RATIO_MEDIAN = -0.75;
    private final NormalcyModel model = TestModels.model().withMissing(new MissingValues(Map.of(
            "amount", new MissingValues.Entry(MissingPolicy.IMPUTE, AMOUNT_MEDIAN),
            "ratio", new MissingValues.Entry(MissingPolicy.SKIP, RATIO_MEDIAN))));

    private static Map<String, Double> features(Double amount, Double count, Double ratio) {
        Map<String, Double> f = new HashMap<>();
        f.put("amount", amount);
        f.put("count", count);
        f.put("ratio", ratio);
        f.values().removeIf(v -> v == null);
        return f;
    }

    @Test
    void imputeScoresTheMedianAndNamesTheFeature() {
        Scorer scorer = model.newScorer();
        Score imputed = scorer.score(features(null, 3.0, -0.9), Map.of("shop", "B"), Map.of(), 0);
        Score explicit = scorer.score(features(AMOUNT_MEDIAN, 3.0, -0.9), Map.of("shop", "B"), Map.of(), 0);
        assertEquals(explicit.logDensity(), imputed.logDensity(), 0.0);
        assertArrayEquals(explicit.contributions(), imputed.contributions(), 0.0);
        assertEquals(List.of("amount"), imputed.imputed());
        assertEquals(List.of(), explicit.imputed(), "the flag does not leak into the next record");
        assertEquals(List.of(), scorer.imputedFeatures());
    }

    @Test
    void imputedValueAlsoDrivesExpectedRanges() {
        Scorer scorer = model.newScorer();
        ExpectedRanges a = scorer.expectedRanges(features(null, 3.0, -0.9), Map.of("shop", "B"), Map.of(), 0, 0.9);
        ExpectedRanges b = scorer.expectedRanges(features(AMOUNT_MEDIAN, 3.0, -0.9), Map.of("shop", "B"), Map.of(),
                0, 0.9);
        assertEquals(b.low(2), a.low(2), 0.0);
        assertEquals(b.high(2), a.high(2), 0.0);
    }

    @Test
    void skipThrowsTheSkipExceptionNamingTheFeature() {
        SkippedRecordException e = assertThrows(SkippedRecordException.class, () -> model.newScorer()
                .score(features(12.0, 3.0, null), Map.of(), Map.of(), 0));
        assertEquals(List.of("ratio"), e.missing());
        assertEquals(Reason.MISSING_FEATURE, e.reason(), "callers unaware of skipping still refuse, never lose it");
        assertTrue(e.getMessage().contains("'ratio'"), e.getMessage());
        SkippedRecordException both = assertThrows(SkippedRecordException.class, () -> model.newScorer()
                .score(features(null, 3.0, null), Map.of(), Map.of(), 0));
        assertEquals(List.of("ratio"), both.missing(), "an imputed feature is not a reason to skip");
    }

    @Test
    void deadLetterIsTheDefaultAndWinsOverSkip() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.newScorer()
                .score(features(12.0, null, null), Map.of(), Map.of(), 0));
        assertFalse(e instanceof SkippedRecordException, "count has no policy: dead-letter before skip");
        assertEquals(Reason.MISSING_FEATURE, e.reason());
        assertTrue(e.getMessage().contains("'count'"), e.getMessage());
        InvalidInputException plain = assertThrows(InvalidInputException.class, () -> TestModels.model().newScorer()
                .score(features(null, 3.0, -0.9), Map.of(), Map.of(), 0));
        assertFalse(plain instanceof SkippedRecordException);
        assertEquals(Reason.MISSING_FEATURE, plain.reason(), "without policies: today's behaviour");
    }

    @Test
    void nonFiniteAndUnknownAreStillMalformedUnderEveryPolicy() {
        InvalidInputException nan = assertThrows(InvalidInputException.class, () -> model.newScorer()
                .score(features(Double.NaN, 3.0, -0.9), Map.of(), Map.of(), 0));
        assertEquals(Reason.NON_FINITE_FEATURE, nan.reason());
        Map<String, Double> extra = new LinkedHashMap<>(features(12.0, 3.0, null));
        extra.put("bogus", 1.0);
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> model.newScorer()
                .score(extra, Map.of(), Map.of(), 0));
        assertEquals(Reason.UNKNOWN_FEATURE, unknown.reason(), "an unknown feature is refused before a skip");
    }

    @Test
    void modelRefusesPoliciesForUnknownFeaturesAndBadEntries() {
        NormalcyModel base = TestModels.model();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> base.withMissing(
                new MissingValues(Map.of("nope", new MissingValues.Entry(MissingPolicy.SKIP, 1)))));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MissingValues.Entry(MissingPolicy.IMPUTE, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new MissingValues.Entry(MissingPolicy.DEAD_LETTER, 0));
        assertEquals(MissingPolicy.DEAD_LETTER, MissingPolicy.parse("dead-letter"));
        assertEquals(MissingPolicy.IMPUTE, MissingPolicy.parse(" Impute "));
        assertEquals(MissingPolicy.SKIP, MissingPolicy.parse("SKIP"));
        assertThrows(IllegalArgumentException.class, () -> MissingPolicy.parse("drop"));
    }
}
