package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.OutputOptions;
import io.normalcy.detector.config.DriftSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;


/**
 * The detector topology scoring mixture-base (MAF_MOG) models on {@link org.apache.kafka.streams.TopologyTestDriver}:
 * their exact per-feature terms, the configured kernel, and the alerts' expected ranges. Split from
 * {@link DetectorTopologyTest}, which covers severities, routing, dead letters and the model lifecycle.
 */
class MixtureScoringTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    private static double termSum(ScoredEvent e) {
        return e.getContributionTerms().stream().mapToDouble(Float::doubleValue).sum();
    }

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    /** The default flow type since issue 13: a MAF_MOG model loads and scores exactly as the flow code does. */
    @Test
    void mixtureModelsAreLoadedAndScoredWithExactContributions() throws Exception {
        ModelVersion mog = TestModels.mixture(MODEL, 1);
        io.normalcy.flow.model.Scorer reference = io.normalcy.flow.state.ModelStateMapper.fromState(mog).newScorer();
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN.withOutput(
                OutputOptions.defaults().withContributions(OutputOptions.Contributions.ALL)))) {
            h.publish(mog);
            h.send(vector(MODEL, "e1", START, "n", x(0.5, -1.5, 0.2)));
            h.send(vector(MODEL, "e2", START, "m", x(2.0, 0.3, -0.7)));
            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(2, scores.size());
            double[][] inputs = {{0.5, -1.5, 0.2}, {2.0, 0.3, -0.7}};
            for (int i = 0; i < 2; i++) {
                double expected = reference.score(x(inputs[i][0], inputs[i][1], inputs[i][2]), Map.of(), Map.of(),
                        START.toEpochMilli()).logDensity();
                assertEquals(expected, scores.get(i).getLogDensity(), 1e-9);
                assertEquals(expected, termSum(scores.get(i)), 1e-5 * Math.abs(expected),
                        "contributions (float32) sum to the log-density");
            }
            assertTrue(Math.abs(scores.get(0).getLogDensity() - TestModels.logDensity(x(0.5, -1.5, 0.2), 1.0)) > 1e-3,
                    "the mixture base changes the density of the standard normal model");
        }
    }

    /**
     * {@code normalcy.detector.scoring-kernel} reaches the scorers: on the float SIMD kernel the scores stay within
     * 1e-4 nats of the scalar reference and differ from it by float rounding (the same values would mean the
     * setting was ignored).
     */
    @Test
    void scorersRunOnTheConfiguredKernel() throws Exception {
        ModelVersion mog = TestModels.mixture(MODEL, 1);
        io.normalcy.flow.model.Scorer reference = io.normalcy.flow.state.ModelStateMapper.fromState(mog).newScorer();
        try (TopologyHarness h = new TopologyHarness(
                NO_COOL_DOWN.withScoringKernel(io.normalcy.flow.kernel.ScoringKernel.SIMD))) {
            h.publish(mog);
            double[][] inputs = {{0.5, -1.5, 0.2}, {2.0, 0.3, -0.7}, {-0.1, 0.9, 1.3}};
            for (int i = 0; i < inputs.length; i++) {
                h.send(vector(MODEL, "e" + i, START, "r" + i, x(inputs[i][0], inputs[i][1], inputs[i][2])));
            }
            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(inputs.length, scores.size());
            int differ = 0;
            for (int i = 0; i < inputs.length; i++) {
                double expected = reference.score(x(inputs[i][0], inputs[i][1], inputs[i][2]), Map.of(), Map.of(),
                        START.toEpochMilli()).logDensity();
                assertEquals(expected, scores.get(i).getLogDensity(), 1e-4);
                differ += expected != scores.get(i).getLogDensity() ? 1 : 0;
            }
            assertTrue(differ > 0, "scores are bitwise the scalar kernel's: the SIMD setting did not reach the scorer");
        }
    }

    /**
     * Alerts of a MAF_MOG model carry each top feature's exact expected range at the configured mass (the flow's
     * own {@code Scorer#expectedRanges}, whose maths {@code ExpectedRangesTest} checks by integration): it holds
     * the typical value 0 and excludes the anomalous 9.
     */
    @Test
    void mixtureAlertsCarryExpectedRangesAtTheConfiguredMass() throws Exception {
        ModelVersion mog = TestModels.mixture(MODEL, 1);
        io.normalcy.flow.model.Scorer reference = io.normalcy.flow.state.ModelStateMapper.fromState(mog).newScorer();
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN.withExpectedRangeMass(0.9))) {
            h.publish(mog);
            h.send(vector(MODEL, "e1", START, "c", x(9, 0, 0)));
            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(1, alerts.size());
            io.normalcy.flow.model.ExpectedRanges expected = reference.expectedRanges(x(9, 0, 0), Map.of(), Map.of(),
                    START.toEpochMilli(), 0.9);
            List<String> names = List.of("a", "b", "c");
            for (FeatureContribution f : alerts.get(0).getTopFeatures()) {
                int i = names.indexOf(f.getFeature());
                assertEquals(expected.low(i), f.getExpectedLow(), 0.0);
                assertEquals(expected.high(i), f.getExpectedHigh(), 0.0);
                assertEquals(0.9, f.getExpectedMass());
                assertTrue(f.getExpectedLow() < f.getExpectedHigh());
            }
            FeatureContribution a = alerts.get(0).getTopFeatures().stream().filter(f -> f.getFeature().equals("a"))
                    .findFirst().orElseThrow();
            assertTrue(a.getExpectedLow() < 0 && 0 < a.getExpectedHigh() && a.getExpectedHigh() < 9, a.toString());
        }
    }

    /**
     * Issue 14: the alert path solves the expected ranges of the features it shows only. With
     * {@code top-features} 1 the alert lists the feature of the largest deficit, and its range is exactly (to the
     * bit) the one of the all-features computation; the order of several shown features is unchanged.
     */
    @Test
    void alertRangesOfItsTopFeaturesOnlyAreTheAllFeaturesValues() throws Exception {
        ModelVersion mog = TestModels.mixture(MODEL, 1);
        io.normalcy.flow.model.Scorer reference = io.normalcy.flow.state.ModelStateMapper.fromState(mog).newScorer();
        Map<String, Double> x = x(0.5, 9, -7);
        io.normalcy.flow.model.ExpectedRanges expected = reference.expectedRanges(x, Map.of(), Map.of(),
                START.toEpochMilli(), 0.99);
        double[] terms = reference.score(x, Map.of(), Map.of(), START.toEpochMilli()).contributions();
        List<String> names = List.of("a", "b", "c");
        List<String> byDeficitOnAll = null;
        for (int top : new int[] {1, 2, 3}) {
            DetectorSettings settings = new DetectorSettings(true, Duration.ZERO, top, 0.99,
                    io.normalcy.detector.config.InputFormat.AUTO, Map.of(), DriftSettings.defaults(),
                    io.normalcy.detector.config.SigningSettings.none());
            try (TopologyHarness h = new TopologyHarness(settings)) {
                h.publish(mog);
                h.send(vector(MODEL, "e1", START, "c", x));
                List<Alert> alerts = h.alerts.readValuesToList();
                assertEquals(1, alerts.size());
                List<FeatureContribution> shown = alerts.get(0).getTopFeatures();
                assertEquals(top, shown.size());
                List<String> order = shown.stream().map(FeatureContribution::getFeature).toList();
                for (int j = 1; j < shown.size(); j++) {
                    assertTrue(shown.get(j - 1).getDeficit() >= shown.get(j).getDeficit(), "largest deficit first");
                }
                if (byDeficitOnAll == null) {
                    byDeficitOnAll = order;
                } else {
                    assertEquals(byDeficitOnAll, order.subList(0, byDeficitOnAll.size()), "ranking unchanged");
                    byDeficitOnAll = order;
                }
                for (FeatureContribution f : shown) {
                    int i = names.indexOf(f.getFeature());
                    assertEquals(terms[i], f.getLogDensityTerm(), 0.0);
                    assertEquals(Double.doubleToRawLongBits(expected.low(i)),
                            Double.doubleToRawLongBits(f.getExpectedLow()), f.getFeature());
                    assertEquals(Double.doubleToRawLongBits(expected.high(i)),
                            Double.doubleToRawLongBits(f.getExpectedHigh()), f.getFeature());
                }
            }
        }
        assertEquals(3, byDeficitOnAll.size());
    }
}
