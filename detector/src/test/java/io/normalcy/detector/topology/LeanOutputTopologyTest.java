package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.OutputOptions;
import io.normalcy.detector.config.OutputOptions.Contributions;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.ScoredEvents;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 3 and issue 15 item 5: which scores carry their contribution terms
 * ({@code normalcy.detector.output.contributions}), and the input headers (W3C trace context) carried to the
 * scores and alerts made from a record ({@code normalcy.detector.output.carried-headers}).
 */
class LeanOutputTopologyTest {
    private static final String MODEL = "payments";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final DetectorSettings BASE = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    private static DetectorSettings with(Contributions c) {
        return BASE.withOutput(OutputOptions.defaults().withContributions(c));
    }

    /** One NORMAL and one CRITICAL event; returns the two scores. */
    private static List<ScoredEvent> normalAndCritical(TopologyHarness h) {
        h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
        h.send(vector(MODEL, "e1", START, "n", x(0.5, -0.5, 0.2)));
        h.send(vector(MODEL, "e2", START, "c", x(6, 0, 0)));
        List<ScoredEvent> scores = h.scores.readValuesToList();
        assertEquals(List.of(Severity.NORMAL, Severity.CRITICAL), scores.stream().map(ScoredEvent::getSeverity).toList());
        return scores;
    }

    @Test
    void byDefaultOnlyFlaggedScoresCarryTermsInFeatureOrder() {
        try (TopologyHarness h = new TopologyHarness(BASE)) {
            List<ScoredEvent> scores = normalAndCritical(h);
            assertEquals(List.of(), scores.get(0).getContributionTerms());
            ScoredEvent critical = scores.get(1);
            Map<String, Double> named = ScoredEvents.contributions(critical, List.of("a", "b", "c"));
            // feature a = 6 carries the surprise: its term is far below the others (standard normal: -x²/2 - 0.92)
            assertEquals(-18.92, named.get("a"), 0.01);
            assertEquals(-0.92, named.get("b"), 0.01);
            Alert alert = h.alerts.readValue();
            assertEquals("a", alert.getTopFeatures().get(0).getFeature());
            assertEquals(named.get("a"), alert.getTopFeatures().get(0).getLogDensityTerm(), 1e-5);
        }
    }

    @Test
    void allPutsTermsOnEveryScoreAndNoneOnNoScoreButAlertsKeepTheirExplanation() {
        try (TopologyHarness h = new TopologyHarness(with(Contributions.ALL))) {
            assertEquals(3, normalAndCritical(h).get(0).getContributionTerms().size());
        }
        try (TopologyHarness h = new TopologyHarness(with(Contributions.NONE))) {
            List<ScoredEvent> scores = normalAndCritical(h);
            assertEquals(List.of(), scores.get(1).getContributionTerms());
            assertEquals(3, h.alerts.readValue().getTopFeatures().size());
        }
    }

    @Test
    void traceHeadersOfTheInputAreCarriedToItsScoreAndAlertOthersAreNot() {
        try (TopologyHarness h = new TopologyHarness(BASE)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            Headers in = new RecordHeaders();
            in.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            in.add("tracestate", "congo=t61rcWkgMzE".getBytes(StandardCharsets.UTF_8));
            in.add("x-secret", "not for outputs".getBytes(StandardCharsets.UTF_8));
            h.send(vector(MODEL, "e2", START, "c", x(6, 0, 0)), in);
            TestRecord<String, ScoredEvent> score = h.scores.readRecord();
            TestRecord<String, Alert> alert = h.alerts.readRecord();
            for (Headers out : List.of(score.headers(), alert.headers())) {
                assertEquals(TRACEPARENT, text(out.lastHeader("traceparent")));
                assertEquals("congo=t61rcWkgMzE", text(out.lastHeader("tracestate")));
                assertNull(out.lastHeader("x-secret"));
            }
            h.send(vector(MODEL, "e1", START, "n", x(0.5, 0, 0)));
            assertFalse(h.scores.readRecord().headers().iterator().hasNext(), "no headers in, none out");
        }
    }

    @Test
    void anOversizedHeaderIsDroppedAndCountedTheRecordIsStillScored() {
        DetectorSettings small = BASE.withOutput(new OutputOptions(Contributions.ALERTS, List.of("traceparent",
                "tracestate"), 64));
        try (TopologyHarness h = new TopologyHarness(small)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            Headers in = new RecordHeaders();
            in.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            in.add("tracestate", "v".repeat(65).getBytes(StandardCharsets.UTF_8));
            h.send(vector(MODEL, "e2", START, "c", x(6, 0, 0)), in);
            TestRecord<String, ScoredEvent> score = h.scores.readRecord();
            assertEquals(TRACEPARENT, text(score.headers().lastHeader("traceparent")));
            assertNull(score.headers().lastHeader("tracestate"));
            assertNull(h.alerts.readRecord().headers().lastHeader("tracestate"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.HEADERS_DROPPED, "header", "tracestate"),
                    "counted once per input: its score and alert share one decision");
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void anEmptyListCarriesNothing() {
        try (TopologyHarness h = new TopologyHarness(BASE.withOutput(new OutputOptions(Contributions.ALERTS, List.of(),
                OutputOptions.DEFAULT_MAX_CARRIED_HEADER_BYTES)))) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            Headers in = new RecordHeaders();
            in.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            h.send(vector(MODEL, "e2", START, "c", x(6, 0, 0)), in);
            assertNull(h.scores.readRecord().headers().lastHeader("traceparent"));
        }
    }

    private static String text(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
