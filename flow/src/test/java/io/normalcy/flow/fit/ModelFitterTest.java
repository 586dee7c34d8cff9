package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.preprocess.ContextSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fits a small conditional model on data with a known density: x ~ N(μ_shop, 1) with μ_A = 0, μ_B = 4,
 * y | x ~ N(x/2, 0.5²), and an integer count n ~ Poisson-like small values. Shop "C" is rare.
 */
class ModelFitterTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static List<RawRecord> rows;
    private static FitConfig config;
    private static FitResult result;
    private static int invalid;

    @BeforeAll
    static void fit() {
        Random rng = new Random(7);
        rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String shop = i % 50 == 0 ? "C" : (rng.nextBoolean() ? "A" : "B");
            double mu = shop.equals("B") ? 4 : 0;
            double x = mu + rng.nextGaussian();
            double y = x / 2 + 0.5 * rng.nextGaussian();
            Map<String, Double> f = new HashMap<>();
            f.put("x", x);
            f.put("y", y);
            f.put("n", (double) rng.nextInt(4));
            rows.add(new RawRecord(f, Map.of("shop", shop), Map.of(), 1_700_000_000_000L + i * 60_000L));
        }
        // invalid rows: missing, NaN, infinite, non-integral integer feature
        rows.add(new RawRecord(Map.of("x", 1.0, "n", 1.0), Map.of("shop", "A"), Map.of(), 0));
        rows.add(new RawRecord(Map.of("x", Double.NaN, "y", 1.0, "n", 1.0), Map.of("shop", "A"), Map.of(), 0));
        rows.add(new RawRecord(Map.of("x", 1.0, "y", Double.POSITIVE_INFINITY, "n", 1.0), Map.of(), Map.of(), 0));
        rows.add(new RawRecord(Map.of("x", 1.0, "y", 1.0, "n", 1.5), Map.of(), Map.of(), 0));
        invalid = 4;
        config = FitConfig.builder().features(List.of("x", "y", "n")).integerFeatures(Set.of("n"))
                .categoricalContext(List.of("shop"))
                .cyclicContext(List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)))
                .blocks(2).hidden(32, 32).epochs(12).patience(12).batchSize(64).learningRate(5e-3)
                .minContextSamples(100).seed(11)
                // levels a 600-row hold-out can calibrate per context (>= 10/level rows per value)
                .levels(List.of(new AlertLevel(0.05, Severity.WARNING), new AlertLevel(0.01, Severity.CRITICAL)))
                .build();
        result = new ModelFitter().fit("shops", 3, rows, config, null);
    }

    @Test
    void countsAndSkipsInvalidRows() {
        NormalcyModel m = result.model();
        assertEquals(invalid, m.provenance().skippedCount());
        assertEquals(rows.size() - invalid, m.provenance().recordCount());
        assertEquals(List.of("x", "y", "n"), m.featureNames());
        assertEquals("shops", m.name());
        assertEquals(3, m.version());
        assertFalse(result.history().isEmpty());
        // one-hot(A, B, C, unknown) + sin/cos of the hour
        assertEquals(4 + 2, m.spec().contextDim());
    }

    @Test
    void learnsTheConditionalDensity() {
        // true differential entropy of (x, y | shop) = 2 * 0.5 * log(2 pi e) + log 0.5; n is uniform on 4 values
        double trueContinuous = -(LOG_2PI + 1) - Math.log(0.5);
        double trueMeanLogDensity = trueContinuous + Math.log(0.25);
        double heldOut = result.heldOutMeanLogDensity();
        assertTrue(heldOut > trueMeanLogDensity - 0.35, "held-out mean log-density " + heldOut
                + " vs true " + trueMeanLogDensity);
        assertTrue(heldOut < trueMeanLogDensity + 0.2, "held-out " + heldOut + " cannot beat the truth by much");
        // the held-out rows first, then the validation rows that calibrate with them (calibrateOnValidation)
        double[] densities = result.heldOutLogDensities();
        assertEquals(result.metrics().calibratedCount(), densities.length, "one density per calibrating row");
        assertEquals(heldOut, Arrays.stream(densities, 0, result.metrics().heldOutCount()).average().orElseThrow(),
                1e-9, "the held-out mean is computed from the held-out rows only");
        // the context matters: x = 4 is typical for shop B, unusual for shop A
        Scorer s = result.model().newScorer();
        Map<String, Double> f = Map.of("x", 4.0, "y", 2.0, "n", 1.0);
        double b = s.score(f, Map.of("shop", "B"), Map.of(), 0).logDensity();
        double a = s.score(f, Map.of("shop", "A"), Map.of(), 0).logDensity();
        assertTrue(b - a > 4, "log p(x=4 | B) - log p(x=4 | A) = " + (b - a) + ", expected about 8");
    }

    @Test
    void contributionsSumToLogDensity() {
        Score score = result.model().newScorer().score(Map.of("x", 0.3, "y", -0.2, "n", 2.0), Map.of("shop", "A"),
                Map.of(), 0);
        double sum = 0;
        for (double c : score.contributions()) {
            sum += c;
        }
        assertEquals(score.logDensity(), sum, 1e-9);
        assertEquals(3, result.model().typicalContributions().size());
    }

    @Test
    void calibratesThresholdsWithFallbackForRareContext() {
        List<ThresholdLevel> levels = result.model().thresholds().levels();
        assertEquals(2, levels.size());
        ThresholdLevel warn = levels.get(0);
        ThresholdLevel crit = levels.get(1);
        assertEquals(Severity.WARNING, warn.severity());
        assertEquals(0.05, warn.level());
        assertTrue(crit.global() < warn.global());
        assertEquals(result.metrics().calibratedCount(), warn.globalCount());
        ContextThreshold c = warn.forContext("shop", "C");
        assertTrue(c.fallback(), "shop C has about 18 calibrating rows < 100");
        assertEquals(warn.global(), c.threshold());
        ContextThreshold a = warn.forContext("shop", "A");
        assertFalse(a.fallback(), "shop A has about 435 calibrating rows >= 10 / 0.05");
        assertTrue(a.count() >= 200);
        // ... but too few for its own 1% quantile (about 3 points below it): tail-extrapolated from the pooled
        // standardised held-out rows, below A's own warning threshold
        ContextThreshold aCrit = crit.forContext("shop", "A");
        assertFalse(aCrit.fallback());
        assertTrue(aCrit.count() < 10 / crit.level());
        assertTrue(aCrit.threshold() < a.threshold());
        assertTrue(crit.forContext("shop", "C").fallback());
        // about 5% of the held-out rows are below the warning threshold
        assertEquals(Severity.WARNING, result.model().thresholds().evaluate(warn.global() - 1e-6, Map.of()).severity());
    }

    /** The model carries its loss curve and held-out quantiles, so the detector's console can plot them. */
    @Test
    void provenanceCarriesTheLossCurveAndHeldOutQuantiles() {
        Map<String, String> config = result.model().provenance().config();
        String[] epochs = config.get(ProvenanceTraces.LOSS_CURVE).split(";");
        assertEquals(result.history().size(), epochs.length);
        String[] last = epochs[epochs.length - 1].split("/");
        assertEquals(result.history().get(epochs.length - 1).trainNll(), Double.parseDouble(last[0]), 1e-3);
        String[] q = config.get(ProvenanceTraces.HELD_OUT_QUANTILES).split(";");
        assertEquals(9, q.length);
        double previous = Double.NEGATIVE_INFINITY;
        for (String entry : q) {
            double v = Double.parseDouble(entry.split(":")[1]);
            assertTrue(v >= previous, "quantiles rise with the level: " + Arrays.toString(q));
            previous = v;
        }
        double[] sorted = Arrays.copyOf(result.heldOutLogDensities(), result.metrics().heldOutCount());
        Arrays.sort(sorted);
        double median = sorted[(int) Math.ceil(0.5 * sorted.length) - 1]; // nearest rank
        assertEquals(median, Double.parseDouble(q[5].split(":")[1]), 1e-4 * Math.max(1, Math.abs(median)));
    }

    /**
     * Thresholds rest on the hold-out and the flow's validation rows (1.5× the rows at the default fractions);
     * {@code calibrateOnValidation(false)} keeps the hold-out alone. Training is the same either way, and a seeded
     * fit stays reproducible.
     */
    @Test
    void calibratesOnTheHeldOutAndTheValidationRows() {
        FitMetrics m = result.metrics();
        // FlowTrainer validates on 0.1 / (0.7 + 0.1) of the trainer split
        int validation = (int) Math.round(m.trainerRecords() * 0.1 / 0.8);
        assertEquals(m.heldOutCount() + validation, m.calibratedCount());
        assertEquals(m.calibratedCount(), result.model().thresholds().levels().get(0).globalCount());
        assertEquals(m.heldOutCount(), result.model().provenance().validationCount(),
                "the held-out NLL stays on rows that no choice saw");
        assertEquals(m.calibratedCount() + " rows: " + m.heldOutCount() + " held out + " + validation
                + " validation rows (which chose the epoch)",
                result.model().provenance().config().get("calibrationRows"));

        FitResult heldOutOnly = new ModelFitter().fit("shops", 3, rows,
                config.toBuilder().calibrateOnValidation(false).build(), null);
        FitMetrics h = heldOutOnly.metrics();
        assertEquals(m.heldOutCount(), h.heldOutCount());
        assertEquals(h.heldOutCount(), h.calibratedCount());
        assertEquals(h.heldOutCount(), heldOutOnly.model().thresholds().levels().get(0).globalCount());
        assertEquals(h.heldOutCount() + " held-out rows (calibrateOnValidation false)",
                heldOutOnly.model().provenance().config().get("calibrationRows"));
        assertEquals(m.heldOutMeanLogDensity(), h.heldOutMeanLogDensity(), 0.0, "the same flow either way");

        FitResult again = new ModelFitter().fit("shops", 3, rows, config, null);
        assertEquals(result.model().thresholds(), again.model().thresholds(), "a seeded fit is reproducible");
    }

    @Test
    void rejectsDataWithoutValidRows() {
        List<RawRecord> bad = List.of(new RawRecord(Map.of("x", Double.NaN), Map.of(), Map.of(), 0),
                new RawRecord(Map.of("y", 1.0), Map.of(), Map.of(), 0));
        FitConfig config = FitConfig.builder().features(List.of("x")).epochs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelFitter().fit("m", 1, bad, config, null));
        assertTrue(e.getMessage().contains("0 of 2 records are valid"), e.getMessage());
        assertTrue(e.getMessage().contains("feature 'x' is not finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelFitter().fit("m", 1, List.of(), config, null));
    }

    @Test
    void configValidationNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FitConfig.builder().trainFraction(0.8).validationFraction(0.3).build());
        assertTrue(e.getMessage().contains("validationFraction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FitConfig.builder().features(List.of("a")).integerFeatures(Set.of("b")).build());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FitConfig.builder().epochs(0).build());
        FitConfig d = FitConfig.defaults();
        assertEquals(0.2, d.calibrationFraction(), 1e-12);
        assertEquals(500, d.minContextSamples());
    }
}
