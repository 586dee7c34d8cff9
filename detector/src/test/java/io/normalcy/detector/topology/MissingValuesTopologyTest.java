package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.MissingPolicy;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.delivery.AlertJson;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.mapping.RecordMappings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 4: each feature's declared missing-value policy on the detector's path. The model (a, b, c standard
 * normal) dead-letters a missing {@code a} (default), imputes {@code b} with its held-out median 0.5 and skips a
 * record without {@code c}: imputed → scored at the median and flagged in the score and the alert; skipped → no
 * output at all, counted per model and feature; dead-letter → MISSING_FEATURE naming the feature, as before.
 */
class MissingValuesTopologyTest {
    private static final String MODEL = "gaps";
    private static final double B_MEDIAN = 0.5;
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    private static ModelVersion model() {
        return TestModels.withMissing(TestModels.standardNormal(MODEL, 1, 1.0), Map.of(
                "b", TestModels.policy("b", MissingPolicy.IMPUTE, B_MEDIAN),
                "c", TestModels.policy("c", MissingPolicy.SKIP, 0.0)));
    }

    private static Map<String, Double> values(Double a, Double b, Double c) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (a != null) {
            m.put("a", a);
        }
        if (b != null) {
            m.put("b", b);
        }
        if (c != null) {
            m.put("c", c);
        }
        return m;
    }

    @Test
    void eachPolicyOnFeatureVectors() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(model());
            h.send(vector(MODEL, "e", START, "complete", values(0.1, 0.2, 0.3)));
            h.send(vector(MODEL, "e", START.plusSeconds(1), "imputed", values(0.1, null, 0.3)));
            h.send(vector(MODEL, "e", START.plusSeconds(2), "imputed-alert", values(9.0, null, 0.3)));
            h.send(vector(MODEL, "e", START.plusSeconds(3), "skipped", values(0.1, 0.2, null)));
            h.send(vector(MODEL, "e", START.plusSeconds(4), "dead-letter", values(null, 0.2, 0.3)));
            h.send(vector(MODEL, "e", START.plusSeconds(5), "nan", values(0.1, Double.NaN, 0.3)));

            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(List.of("complete", "imputed", "imputed-alert"),
                    s.stream().map(ScoredEvent::getEventId).toList(), "skipped and refused records are not scored");
            assertEquals(List.of(), s.get(0).getImputedFeatures());
            assertEquals(List.of("b"), s.get(1).getImputedFeatures());
            assertEquals(TestModels.logDensity(values(0.1, B_MEDIAN, 0.3), 1.0), s.get(1).getLogDensity(), 1e-9,
                    "scored at the held-out median");

            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(1, alerts.size());
            assertEquals(List.of("b"), alerts.get(0).getImputedFeatures());
            assertEquals(values(9.0, null, 0.3), alerts.get(0).getFeatures(), "the alert keeps what the record had");
            alerts.get(0).getTopFeatures().stream().filter(f -> f.getFeature().equals("b"))
                    .forEach(f -> assertEquals(B_MEDIAN, f.getValue(), "an imputed top feature shows its median"));
            assertEquals(List.of("b"), AlertJson.of(alerts.get(0)).imputedFeatures(), "webhook / SSE payload");

            List<DeadLetter> dlq = h.dlq.readValuesToList();
            assertEquals(2, dlq.size(), "the skipped record is not dead-lettered");
            assertEquals(DeadLetterReason.MISSING_FEATURE, dlq.get(0).getReason());
            assertTrue(dlq.get(0).getMessage().contains("'a'"), dlq.get(0).getMessage());
            assertEquals(DeadLetterReason.NON_FINITE_FEATURE, dlq.get(1).getReason(), "NaN is not 'missing'");

            assertEquals(1.0, h.metrics.count(DetectorMetrics.SKIPPED, "model", MODEL, "feature", "c"));
            assertEquals(0.0, h.metrics.count(DetectorMetrics.SKIPPED, "model", MODEL, "feature", "b"));
            assertEquals(2.0, h.metrics.total(DetectorMetrics.DLQ));
        }
    }

    /** A mapped raw JSON topic: an absent or null path of a feature with a policy reaches the scorer as missing. */
    @Test
    void eachPolicyThroughAMapping() {
        String topic = io.normalcy.detector.config.DetectorTopics.defaults().inputs().get(0);
        Map<String, RecordMapping> mappings = RecordMappings.parse("normalcy.detector.mappings", Map.of("raw",
                Map.of("topic", topic, "model", MODEL, "features", Map.of("a", "x.a", "b", "x.b", "c", "x.c"))));
        DetectorSettings settings = new DetectorSettings(true, Duration.ZERO, 3,
                DetectorSettings.DEFAULT_EXPECTED_RANGE_MASS, io.normalcy.detector.config.InputFormat.AUTO, Map.of(),
                io.normalcy.detector.config.DriftSettings.defaults(),
                io.normalcy.detector.config.SigningSettings.none(), mappings);
        try (TopologyHarness h = new TopologyHarness(settings)) {
            h.publish(model());
            raw(h, "{\"x\":{\"a\":0.1,\"b\":0.2,\"c\":0.3}}");
            raw(h, "{\"x\":{\"a\":0.1,\"b\":null,\"c\":0.3}}");
            raw(h, "{\"x\":{\"a\":0.1,\"c\":0.3}}");
            raw(h, "{\"x\":{\"a\":0.1,\"b\":0.2}}");
            raw(h, "{\"x\":{\"b\":0.2,\"c\":0.3}}");
            raw(h, "{\"x\":{\"a\":0.1,\"b\":\"high\",\"c\":0.3}}");

            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(List.of(List.of(), List.of("b"), List.of("b")),
                    s.stream().map(ScoredEvent::getImputedFeatures).toList(), "absent and null are both missing");
            List<DeadLetter> dlq = h.dlq.readValuesToList();
            assertEquals(List.of(DeadLetterReason.MAPPING, DeadLetterReason.MAPPING),
                    dlq.stream().map(DeadLetter::getReason).toList(),
                    "a feature without a policy keeps the mapping error naming its path; a wrong type is malformed");
            assertTrue(dlq.get(0).getMessage().contains("x.a"), dlq.get(0).getMessage());
            assertTrue(dlq.get(1).getMessage().contains("x.b"), dlq.get(1).getMessage());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.SKIPPED, "model", MODEL, "feature", "c"));
            assertEquals(6, s.size() + dlq.size() + (int) h.metrics.total(DetectorMetrics.SKIPPED), "nothing lost");
        }
    }

    private static void raw(TopologyHarness h, String json) {
        h.features.pipeInput("e", json.getBytes(StandardCharsets.UTF_8));
    }
}
