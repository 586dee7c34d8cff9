package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.schemas.serde.AvroSerde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchScorer} against the detector topology (TopologyTestDriver) on the same records: the same scores,
 * the same alerts (ids, severities; the cool-down applies) and the same dead letters, because it runs the same
 * processors; records of a model without a version come back as NO_MODEL instead of being parked; a version can
 * be chosen among the accepted ones only.
 */
class BatchScorerTest {
    private static final String MODEL = "batch-model";
    private static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private final AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
    private final AvroSerde<ModelVersion> mvSerde = AvroSerde.of(ModelVersion.class);
    private final AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
    private final AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);
    private final AvroSerde<DeadLetter> dlSerde = AvroSerde.of(DeadLetter.class);

    @Test
    void scoresAlertsAndDeadLettersLikeTheTopology() {
        DetectorSettings settings = DetectorSettings.defaults().withCoolDown(Duration.ofMinutes(10));
        List<byte[]> inputs = inputs();
        List<ScoredEvent> liveScores;
        List<Alert> liveAlerts;
        List<DeadLetter> liveDlq;
        try (TopologyHarness h = new TopologyHarness(settings)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            inputs.forEach(v -> h.features.pipeInput("k", v));
            liveScores = h.scores.readValuesToList();
            liveAlerts = h.alerts.readValuesToList();
            liveDlq = h.dlq.readValuesToList();
        }
        BatchScorer batch = new BatchScorer(DetectorTopicsForTest.TOPICS, settings, OutputSettings.defaults(), null);
        ModelVersion mv = TestModels.standardNormal(MODEL, 1, 1.0);
        batch.model(TopologyHarness.modelKey(mv), mvSerde.serialize("m", mv), new RecordHeaders(), 0L);
        List<ScoredEvent> scores = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> dlq = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            for (BatchScorer.Out out : batch.score(DetectorTopicsForTest.TOPICS.inputs().get(0), 0, i, 1000L + i,
                    "k".getBytes(StandardCharsets.UTF_8), inputs.get(i), new RecordHeaders())) {
                switch (out.kind()) {
                    case SCORE -> scores.add(scoreSerde.deserialize(out.topic(), out.value()));
                    case ALERT -> alerts.add(alertSerde.deserialize(out.topic(), out.value()));
                    case DEAD_LETTER -> dlq.add(dlSerde.deserialize(out.topic(), out.value()));
                    default -> throw new AssertionError("unexpected output " + out);
                }
            }
        }
        assertEquals(inputs.size() - 2, scores.size());
        assertEquals(liveScores.stream().map(s -> s.getEventId() + " " + s.getLogDensity() + " " + s.getSeverity())
                .toList(), scores.stream().map(s -> s.getEventId() + " " + s.getLogDensity() + " " + s.getSeverity())
                .toList());
        assertTrue(alerts.size() >= 3 && alerts.size() < scores.size(), "alerts, some suppressed: " + alerts.size());
        assertEquals(liveAlerts.stream().map(a -> a.getAlertId() + " " + a.getSeverity()).toList(),
                alerts.stream().map(a -> a.getAlertId() + " " + a.getSeverity()).toList());
        assertEquals(liveDlq.stream().map(d -> d.getReason() + " " + d.getOffset()).toList(),
                dlq.stream().map(d -> d.getReason() + " " + d.getOffset()).toList());
        assertEquals(List.of(DeadLetterReason.DESERIALIZATION, DeadLetterReason.MISSING_FEATURE),
                dlq.stream().map(DeadLetter::getReason).toList());
    }

    @Test
    void aModelWithoutAcceptedVersionIsReportedNotParked() {
        DetectorSettings signed = DetectorSettings.defaults().withSigning(new SigningSettings(SECRET, null));
        BatchScorer batch = new BatchScorer(DetectorTopicsForTest.TOPICS, signed, OutputSettings.defaults(), null);
        ModelVersion forged = TestModels.standardNormal(MODEL, 1, 1.0); // unsigned
        batch.model(TopologyHarness.modelKey(forged), mvSerde.serialize("m", forged), new RecordHeaders(), 0L);
        assertNull(batch.serving(MODEL), "an unsigned version is refused as by the service");
        FeatureVector fv = vector(MODEL, "e", START, "1", Map.of("a", 0.0, "b", 0.0, "c", 0.0));
        List<BatchScorer.Out> out = batch.score("in", 0, 0, 0, null, fvSerde.serialize("in", fv), null);
        assertEquals(List.of(BatchScorer.Kind.NO_MODEL), out.stream().map(BatchScorer.Out::kind).toList());
    }

    @Test
    void pinsAnAcceptedVersionOnly() {
        BatchScorer batch = new BatchScorer(DetectorTopicsForTest.TOPICS, DetectorSettings.defaults(),
                OutputSettings.defaults(), null);
        for (long v = 1; v <= 2; v++) {
            ModelVersion mv = TestModels.standardNormal(MODEL, v, v == 1 ? 1.0 : 2.0);
            batch.model(TopologyHarness.modelKey(mv), mvSerde.serialize("m", mv), new RecordHeaders(), 0L);
        }
        assertEquals(2L, batch.serving(MODEL).version());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.pin(MODEL, 7));
        assertTrue(e.getMessage().contains("no accepted version 7"), e.getMessage());
        assertEquals(1L, batch.pin(MODEL, 1).version());
        Map<String, Double> x = Map.of("a", 1.5, "b", 0.0, "c", 0.0);
        List<BatchScorer.Out> out = batch.score("in", 0, 0, 0, null,
                fvSerde.serialize("in", vector(MODEL, "e", START, "1", x)), null);
        ScoredEvent s = scoreSerde.deserialize("s", out.get(0).value());
        assertEquals(1L, s.getModelVersion());
        assertEquals(TestModels.logDensity(x, 1.0), s.getLogDensity(), 1e-6);
    }

    /** Normal records, anomalies of a few entities (the cool-down suppresses repeats), junk, a missing feature. */
    private List<byte[]> inputs() {
        Random rng = new Random(3);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double a = i % 9 == 0 ? 7 + rng.nextDouble() : rng.nextGaussian();
            FeatureVector fv = vector(MODEL, "e" + (i % 5), START.plusSeconds(i * 30L), "ev-" + i,
                    Map.of("a", a, "b", rng.nextGaussian(), "c", rng.nextGaussian()));
            out.add(fvSerde.serialize("in", fv));
        }
        out.add(50, new byte[] {1, 2, 3});
        out.add(120, fvSerde.serialize("in", vector(MODEL, "e1", START, "missing", Map.of("a", 0.0, "b", 0.0))));
        return out;
    }

    /** The harness's topic names (its default topics). */
    private static final class DetectorTopicsForTest {
        static final io.normalcy.detector.config.DetectorTopics TOPICS =
                io.normalcy.detector.config.DetectorTopics.defaults();
    }
}
