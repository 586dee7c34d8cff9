package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: a model of format 5 carries entityType × region thresholds, and the detector judges an event by
 * its combination's threshold where that has one at the level, naming the combination as the scope of the score,
 * the alert and the alert metric; at a level without a combination entry the single field decides.
 */
class CombinationScopeTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    /** A record of the test density with log-density {@code logDensity} (std 1: a² = 2·(offset − ℓ)). */
    private static FeatureVector event(String eventId, double logDensity, String type, String region) {
        double offset = -1.5 * TestModels.LOG_2PI;
        Map<String, Double> x = Map.of("a", Math.sqrt(2 * (offset - logDensity)), "b", 0.0, "c", 0.0);
        return FeatureVector.newBuilder(vector(MODEL, eventId, START, eventId, x))
                .setContext(Map.of("entityType", type, "region", region)).build();
    }

    @Test
    void anAlertNamesTheCombinationWhoseThresholdItCrossed() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.withCombinationThresholds(MODEL, 1));
            // −6: below grocery×eu's warning threshold (−5), above grocery's (−7) and the global one (≈ −8.43)
            h.send(event("grocery-eu", -6, "grocery", "eu"));
            h.send(event("grocery-us", -6, "grocery", "us"));
            // −9.5: no combination entry at the critical level, so grocery's (−9) decides
            h.send(event("grocery-eu-deep", -9.5, "grocery", "eu"));

            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(List.of("grocery-eu", "grocery-us", "grocery-eu-deep"),
                    scores.stream().map(ScoredEvent::getEventId).toList());
            assertEquals(-6, scores.get(0).getLogDensity(), 0.05); // float kernel, as ContextCheckTopologyTest
            assertEquals("entityType=grocery,region=eu", scores.get(0).getThresholdScope());
            assertEquals(Severity.WARNING, scores.get(0).getSeverity());
            assertEquals(-5.0, scores.get(0).getThreshold(), 0.0);
            assertEquals("entityType=grocery", scores.get(1).getThresholdScope());
            assertEquals(Severity.NORMAL, scores.get(1).getSeverity());
            assertEquals("entityType=grocery", scores.get(2).getThresholdScope());
            assertEquals(Severity.CRITICAL, scores.get(2).getSeverity());

            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(List.of("grocery-eu", "grocery-eu-deep"), alerts.stream().map(Alert::getEventId).toList());
            assertEquals("entityType=grocery,region=eu", alerts.get(0).getThresholdScope());
            assertEquals(-5.0, alerts.get(0).getThreshold(), 0.0);
            assertEquals("entityType=grocery", alerts.get(1).getThresholdScope());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.ALERTS, "model", MODEL, "severity", "WARNING",
                    "scope", "entityType=grocery,region=eu"));
        }
    }
}
