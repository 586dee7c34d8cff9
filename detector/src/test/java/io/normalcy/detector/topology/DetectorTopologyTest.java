package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DriftSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.AlertIds;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The detector topology on {@link org.apache.kafka.streams.TopologyTestDriver}. Models are near-identity flows
 * over standardised features (see {@link TestModels}), so expected log-densities and severities follow from the
 * standard normal / chi-square distribution, not from the code under test.
 */
class DetectorTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    /** z of the 99.5 % quantile of N(0, 1). */
    private static final double Z995 = 2.5758293035489004;

    private static double termSum(ScoredEvent e) {
        return e.getContributionTerms().stream().mapToDouble(Float::doubleValue).sum();
    }

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    @Test
    void severitiesFollowTheCalibratedThresholds() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e1", START, "n", x(0.5, -0.5, 0.2)));      // χ² = 0.54: normal
            h.send(vector(MODEL, "e2", START, "w", x(3.5, 0, 0)));           // χ² = 12.25 in (11.34, 16.27): warning
            h.send(vector(MODEL, "e3", START, "c", x(6, 0, 0)));             // χ² = 36 > 16.27: critical
            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(List.of(Severity.NORMAL, Severity.WARNING, Severity.CRITICAL),
                    scores.stream().map(ScoredEvent::getSeverity).toList());
            assertEquals(TestModels.logDensity(x(6, 0, 0), 1.0), scores.get(2).getLogDensity(), 0.05);
            // ScoredEvent v3: float32 terms in feature order, by default only on flagged scores
            assertEquals(3, scores.get(2).getContributionTerms().size());
            assertEquals(scores.get(2).getLogDensity(), termSum(scores.get(2)), 1e-5 * Math.abs(
                    scores.get(2).getLogDensity()), "contributions sum to the log-density");
            assertEquals(List.of(), scores.get(0).getContributionTerms(), "no terms on a NORMAL score by default");
            assertEquals(Map.of(), scores.get(2).getContributions(), "the v2 map is no longer written");
            assertEquals(1L, scores.get(0).getModelVersion());
            // calibrated tail probability: above the warning level for the normal event, below each level fired
            assertTrue(scores.get(0).getPValue() > 0.01, "normal: p = " + scores.get(0).getPValue());
            assertTrue(scores.get(1).getPValue() < 0.01 && scores.get(1).getPValue() > 0.001,
                    "warning: p = " + scores.get(1).getPValue());
            assertTrue(scores.get(2).getPValue() < 0.001, "critical: p = " + scores.get(2).getPValue());

            List<TestRecord<String, Alert>> alerts = h.alerts.readRecordsToList();
            assertEquals(2, alerts.size());
            Alert critical = alerts.get(1).value();
            assertEquals("e3", alerts.get(1).key());
            assertEquals(Severity.CRITICAL, critical.getSeverity());
            assertEquals(0.001, critical.getQuantileLevel(), 1e-12);
            assertEquals(scores.get(2).getPValue(), critical.getPValue(), "the alert carries the score's p-value");
            assertEquals(AlertIds.derive(MODEL, "e3", START, "c", null, 0, 0), critical.getAlertId());
            assertEquals("a", critical.getTopFeatures().get(0).getFeature(), "the 6-sigma feature explains it");
            assertEquals(6.0, critical.getTopFeatures().get(0).getValue());
            assertTrue(critical.getTopFeatures().get(0).getDeficit() > 15, "≈ 18 - 0.23 nats below typical");
            assertEquals(3, critical.getTopFeatures().size());
            // expected range of a given the (empty) context: N(0, 1) here, so exactly ±z(0.995), 6 lies outside
            FeatureContribution a = critical.getTopFeatures().get(0);
            assertEquals(-Z995, a.getExpectedLow(), 1e-9);
            assertEquals(Z995, a.getExpectedHigh(), 1e-9);
            assertEquals(0.99, a.getExpectedMass());
            for (FeatureContribution f : critical.getTopFeatures()) {
                assertTrue(f.getExpectedLow() < 0 && 0 < f.getExpectedHigh(), "typical 0 inside: " + f);
            }
            assertEquals(Map.of("k", "v"), critical.getAttributes());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.ALERTS, "model", MODEL, "severity", "CRITICAL"));
            assertEquals(3.0, h.metrics.count(DetectorMetrics.SCORED, "model", MODEL));
            assertEquals(3, h.metrics.registry().find(DetectorMetrics.EVENT_LAG).tag("model", MODEL).timer().count(),
                    "every scored record's event-time-to-score latency is recorded");
        }
    }

    @Test
    void alertIdsAreStableAcrossReplays() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            FeatureVector fv = vector(MODEL, "e", START, null, x(7, 0, 0));
            h.send(fv);
            h.publish(TestModels.standardNormal(MODEL, 2, 1.0)); // a re-score by a newer version keeps the id
            h.send(fv);
            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(2, alerts.size());
            // without an eventId the id comes from the source offset: two deliveries = two ids
            assertEquals(AlertIds.derive(MODEL, "e", START, null, "normalcy.features", 0, 0),
                    alerts.get(0).getAlertId());
            FeatureVector withId = vector(MODEL, "e", START, "evt-1", x(7, 0, 0));
            h.send(withId);
            h.send(withId);
            List<Alert> replayed = h.alerts.readValuesToList();
            assertEquals(replayed.get(0).getAlertId(), replayed.get(1).getAlertId());
        }
    }

    @Test
    void alertsAreRoutedToMatchingSubscriptionTopics() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.subscribe(TestModels.subscription("all", List.of(), Severity.WARNING, null, "sub.all", true));
            h.subscribe(TestModels.subscription("crit", List.of(MODEL), Severity.CRITICAL, "e-.*", "sub.crit", true));
            h.subscribe(TestModels.subscription("off", List.of(), Severity.WARNING, null, "sub.off", false));
            h.subscribe(TestModels.subscription("other", List.of("other"), Severity.WARNING, null, "sub.other", true));
            h.send(vector(MODEL, "e-1", START, "1", x(3.5, 0, 0)));   // warning
            h.send(vector(MODEL, "e-2", START, "2", x(6, 0, 0)));     // critical
            h.send(vector(MODEL, "x-3", START, "3", x(6, 0, 0)));     // critical, entity does not match e-.*
            h.send(vector(MODEL, "e-4", START, "4", x(0, 0, 0)));     // normal
            assertEquals(List.of("e-1", "e-2", "x-3"), h.alertTopic("sub.all").readKeyValuesToList().stream()
                    .map(kv -> kv.key).toList());
            List<Alert> crit = h.alertTopic("sub.crit").readValuesToList();
            assertEquals(List.of("e-2"), crit.stream().map(Alert::getEntity).toList());
            assertTrue(h.alertTopic("sub.off").isEmpty());
            assertTrue(h.alertTopic("sub.other").isEmpty());
            assertEquals(3, h.alerts.getQueueSize());
            assertEquals(4, h.scores.getQueueSize());
            assertEquals(3.0, h.metrics.count(DetectorMetrics.ROUTED, "subscription", "all"));
        }
    }

    @Test
    void deletedOrBrokenSubscriptionsStopReceiving() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.subscribe(TestModels.subscription("s", List.of(), Severity.WARNING, null, "sub.s", true));
            h.send(vector(MODEL, "e", START, "1", x(6, 0, 0)));
            h.subscriptions.pipeInput("s", (byte[]) null);
            h.send(vector(MODEL, "e", START, "2", x(6, 0, 0)));
            h.subscribe(TestModels.subscription("t", List.of(), Severity.WARNING, null, "sub.t", true));
            h.subscribe(TestModels.subscription("t", List.of(), Severity.WARNING, "([", "sub.t", true)); // bad regex
            h.send(vector(MODEL, "e", START, "3", x(6, 0, 0)));
            assertEquals(List.of("1"), h.alertTopic("sub.s").readValuesToList().stream().map(Alert::getEventId)
                    .toList());
            assertTrue(h.alertTopic("sub.t").isEmpty(), "a broken update must not keep routing with the old filter");
            assertEquals(3, h.alerts.getQueueSize());
        }
    }

    @Test
    void scoresCanBeSwitchedOff() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN.withScoresEnabled(false))) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e", START, "1", x(0, 0, 0)));
            h.send(vector(MODEL, "e", START, "2", x(8, 0, 0)));
            assertTrue(h.scores.isEmpty());
            assertEquals(1, h.alerts.getQueueSize());
            assertEquals(2.0, h.metrics.count(DetectorMetrics.SCORED, "model", MODEL));
        }
    }

    private static DeadLetter singleDeadLetter(TopologyHarness h, DeadLetterReason reason) {
        List<TestRecord<byte[], DeadLetter>> dl = h.dlq.readRecordsToList();
        assertEquals(1, dl.size());
        DeadLetter d = dl.get(0).value();
        assertEquals(reason, d.getReason(), d.getMessage());
        assertEquals("normalcy.features", d.getSourceTopic());
        assertEquals(0, d.getPartition());
        assertEquals("normalcy-detector", d.getApplication());
        assertTrue(h.scores.isEmpty() && h.alerts.isEmpty());
        return d;
    }

    @Test
    void undecodableBytesAreDeadLetteredWithTheOriginalBytes() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3};
            h.features.pipeInput("k1", garbage);
            DeadLetter d = singleDeadLetter(h, DeadLetterReason.DESERIALIZATION);
            assertArrayEquals(garbage, TestModels.bytes(d.getValue()));
            assertArrayEquals("k1".getBytes(StandardCharsets.UTF_8), TestModels.bytes(d.getKey()));
            assertEquals(0L, d.getOffset());
            assertTrue(d.getErrorClass().endsWith("SerializationException"), d.getErrorClass());
            h.features.pipeInput("k2", "{\"model\": \"payments\", ".getBytes(StandardCharsets.UTF_8));
            DeadLetter json = singleDeadLetter(h, DeadLetterReason.DESERIALIZATION);
            assertEquals(1L, json.getOffset());
            h.features.pipeInput("k3", new byte[] {0x42});
            singleDeadLetter(h, DeadLetterReason.DESERIALIZATION);
            assertEquals(3.0, h.metrics.count(DetectorMetrics.DLQ, "reason", "DESERIALIZATION"));
        }
    }

    @Test
    void jsonInputIsScoredUnlessTheTopicIsPinnedToAvro() {
        byte[] json = new FeatureVectorJsonSerde().serialize("t", vector(MODEL, "e", START, "1", x(0, 1, 0)));
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.features.pipeInput("e", json);
            assertEquals(1, h.scores.getQueueSize());
        }
        DetectorSettings avroOnly = NO_COOL_DOWN.withInputFormats(io.normalcy.detector.config.InputFormat.AVRO,
                Map.of());
        try (TopologyHarness h = new TopologyHarness(avroOnly)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.features.pipeInput("e", json);
            singleDeadLetter(h, DeadLetterReason.DESERIALIZATION);
        }
    }

    @Test
    void invalidFeaturesAreDeadLetteredByReason() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e", START, "1", Map.of("a", 1.0, "b", 1.0)));
            DeadLetter missing = singleDeadLetter(h, DeadLetterReason.MISSING_FEATURE);
            assertTrue(missing.getMessage().contains("c"), missing.getMessage());
            assertEquals(MODEL, missing.getModel());

            h.send(vector(MODEL, "e", START, "2", x(1, Double.NaN, 0)));
            DeadLetter nan = singleDeadLetter(h, DeadLetterReason.NON_FINITE_FEATURE);
            assertTrue(nan.getMessage().contains("b"), nan.getMessage());

            Map<String, Double> extra = new HashMap<>(x(1, 1, 1));
            extra.put("zzz", 1.0);
            h.send(vector(MODEL, "e", START, "3", extra));
            DeadLetter unknown = singleDeadLetter(h, DeadLetterReason.UNKNOWN_FEATURE);
            assertTrue(unknown.getMessage().contains("zzz"), unknown.getMessage());

            h.send(vector(MODEL, "e", START, "4", x(1, Double.POSITIVE_INFINITY, 0)));
            singleDeadLetter(h, DeadLetterReason.NON_FINITE_FEATURE);
            for (String r : List.of("MISSING_FEATURE", "UNKNOWN_FEATURE")) {
                assertEquals(1.0, h.metrics.count(DetectorMetrics.DLQ, "reason", r));
            }
            assertEquals(2.0, h.metrics.count(DetectorMetrics.DLQ, "reason", "NON_FINITE_FEATURE"));
            // the stream is alive: the next good record is scored
            h.send(vector(MODEL, "e", START, "5", x(0, 0, 0)));
            assertEquals(1, h.scores.getQueueSize());
        }
    }

    @Test
    void recordsOfAModelWithoutVersionAreParkedUntouched() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            FeatureVector ghost = vector("ghost", "e", START, "1", x(0, 0, 0));
            byte[] value = io.normalcy.schemas.serde.AvroSerde.of(FeatureVector.class).serialize("t", ghost);
            h.features.pipeInput(new TestRecord<>("e", value, new org.apache.kafka.common.header.internals.RecordHeaders()
                    .add("trace", new byte[] {7}), START));
            List<TestRecord<byte[], byte[]>> parked = h.parking.readRecordsToList();
            assertEquals(1, parked.size());
            assertArrayEquals(value, parked.get(0).value());
            assertArrayEquals("e".getBytes(StandardCharsets.UTF_8), parked.get(0).key());
            assertArrayEquals(new byte[] {7}, parked.get(0).headers().lastHeader("trace").value());
            assertEquals("no-model", new String(parked.get(0).headers()
                    .lastHeader(ScoringProcessor.PARKING_REASON_HEADER).value(), StandardCharsets.UTF_8));
            assertEquals("ghost", new String(parked.get(0).headers()
                    .lastHeader(ScoringProcessor.PARKING_MODEL_HEADER).value(), StandardCharsets.UTF_8));
            assertTrue(h.dlq.isEmpty() && h.scores.isEmpty());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.PARKED, "model", "ghost"));
        }
    }

    @Test
    void aNewVersionIsUsedFromTheNextRecord() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e", START, "1", x(2, 0, 0)));
            h.publish(TestModels.standardNormal(MODEL, 2, 2.0));   // feature a now has std 2
            h.send(vector(MODEL, "e", START, "2", x(2, 0, 0)));
            h.publish(TestModels.standardNormal(MODEL, 1, 3.0));   // an older version is ignored
            h.send(vector(MODEL, "e", START, "3", x(2, 0, 0)));
            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(List.of(1L, 2L, 2L), s.stream().map(ScoredEvent::getModelVersion).toList());
            assertEquals(TestModels.logDensity(x(2, 0, 0), 1.0), s.get(0).getLogDensity(), 0.05);
            assertEquals(TestModels.logDensity(x(2, 0, 0), 2.0), s.get(1).getLogDensity(), 0.05);
            assertEquals(2L, h.registry.get(MODEL).version());
            assertEquals(2.0, h.metrics.count(DetectorMetrics.SWAPS, "model", MODEL));
            assertEquals(2.0, h.metrics.registry().get(DetectorMetrics.MODEL_VERSION).tag("model", MODEL).gauge()
                    .value());
        }
    }

    @Test
    void aCorruptedVersionIsRejectedAndThePreviousKeepsServing() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.publish(TestModels.tampered(TestModels.standardNormal(MODEL, 2, 2.0)));
            h.models.pipeInput(MODEL, new byte[] {1, 2, 3});
            h.send(vector(MODEL, "e", START, "1", x(2, 0, 0)));
            ScoredEvent s = h.scores.readValue();
            assertEquals(1L, s.getModelVersion());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "invalid"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "undecodable"));
            // a valid v3 is still accepted afterwards
            h.publish(TestModels.standardNormal(MODEL, 3, 2.0));
            h.send(vector(MODEL, "e", START, "2", x(2, 0, 0)));
            assertEquals(3L, h.scores.readValue().getModelVersion());
        }
    }

    @Test
    void signaturesAreEnforcedWhenAKeyIsConfigured() {
        DetectorSettings signed = NO_COOL_DOWN.withSigning(new io.normalcy.detector.config.SigningSettings(
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", null));
        try (TopologyHarness h = new TopologyHarness(signed)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));                 // unsigned
            h.publish(TestModels.signed(TestModels.standardNormal(MODEL, 2, 1.0), "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZyE="));
            h.send(vector(MODEL, "e", START, "1", x(0, 0, 0)));
            assertEquals(1, h.parking.getQueueSize(), "no acceptable version yet");
            assertEquals(2.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "signature"));
            h.publish(TestModels.signed(TestModels.standardNormal(MODEL, 3, 1.0), "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
            h.send(vector(MODEL, "e", START, "2", x(0, 0, 0)));
            assertEquals(3L, h.scores.readValue().getModelVersion());
        }
    }

    @Test
    void theRegistryIsRebuiltFromTheGlobalStore() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.publish(TestModels.tampered(TestModels.standardNormal(MODEL, 2, 1.0)));
            h.registry.clear(); // as after a restart whose restoration did not replay the global processor
            h.send(vector(MODEL, "e", START, "1", x(0, 0, 0)));
            assertEquals(1L, h.scores.readValue().getModelVersion(), "the store holds the last accepted version");
            assertNotNull(h.registry.get(MODEL));
        }
    }

    @Test
    void coolDownSuppressesRepeatedAlertsPerEntity() {
        try (TopologyHarness h = new TopologyHarness(DetectorSettings.defaults().withCoolDown(Duration.ofMinutes(10)))) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e1", START, "1", x(6, 0, 0)));
            h.send(vector(MODEL, "e1", START.plus(Duration.ofMinutes(1)), "2", x(6, 0, 0)));  // suppressed
            h.send(vector(MODEL, "e2", START.plus(Duration.ofMinutes(2)), "3", x(6, 0, 0)));  // other entity
            h.send(vector(MODEL, "e1", START.plus(Duration.ofMinutes(9)), "4", x(3.5, 0, 0))); // suppressed
            h.send(vector(MODEL, "e1", START.plus(Duration.ofMinutes(11)), "5", x(6, 0, 0))); // window over
            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(List.of("1", "3", "5"), alerts.stream().map(Alert::getEventId).toList());
            assertEquals(5, h.scores.getQueueSize(), "suppressed alerts are still scored");
            assertEquals(2.0, h.metrics.count(DetectorMetrics.SUPPRESSED, "model", MODEL));
        }
    }

    @Test
    void driftEmitsExactlyOneRetrainRequest() {
        DetectorSettings settings = NO_COOL_DOWN.withDrift(new DriftSettings(true, 100, 100, 3.0, 0,
                Duration.ofHours(1)));
        try (TopologyHarness h = new TopologyHarness(settings)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            for (int i = 0; i < 150; i++) {  // calibrated traffic: nothing
                h.send(vector(MODEL, "e" + i, START.plusSeconds(i), null, x(0.1 * (i % 7) - 0.3, 0.2, -0.1)));
            }
            assertTrue(h.retrain.isEmpty());
            for (int i = 0; i < 300; i++) {  // a shifted stream: most records are warnings
                h.send(vector(MODEL, "e" + i, START.plusSeconds(200 + i), null, x(4 + 0.01 * i, 0, 0)));
            }
            List<TestRecord<String, RetrainRequest>> requests = h.retrain.readRecordsToList();
            assertEquals(1, requests.size());
            assertEquals(MODEL, requests.get(0).key());
            assertEquals(MODEL, requests.get(0).value().getModel());
            assertTrue(requests.get(0).value().getReason().startsWith("drift"), requests.get(0).value().getReason());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.RETRAIN, "model", MODEL, "reason", "alert-rate"));
        }
    }

    /** A tombstone vanishes after delete.retention.ms: deleting by one would be undone by a restart. */
    @Test
    void aRetireRecordRemovesTheModelATombstoneDoesNot() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.models.pipeInput(MODEL, (byte[]) null);
            assertEquals(1L, h.registry.get(MODEL).version());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "unsigned-deletion"));
            h.control(io.normalcy.schemas.ModelControls.retire(MODEL, 1, START, "test", null)); // no key: unsigned is fine
            assertNull(h.registry.get(MODEL));
            h.send(vector(MODEL, "e", START, "1", x(0, 0, 0)));
            assertEquals(1, h.parking.getQueueSize());
        }
    }


}
