package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model conditioned on a categorical context field: a record lacking that field does not fit the model's
 * contract and is dead-lettered as MODEL_MISMATCH naming the field (the README's promise), while a value outside
 * the vocabulary is scored through the unknown slot.
 */
class ContextCheckTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);
    private static final Map<String, Double> X = Map.of("a", 0.5, "b", -0.5, "c", 0.2);

    private static FeatureVector withContext(String eventId, Map<String, String> context) {
        return FeatureVector.newBuilder(vector(MODEL, "e", START, eventId, X)).setContext(context).build();
    }

    @Test
    void aMissingCategoricalContextFieldIsAModelMismatch() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0, List.of("eu", "us")));
            h.send(withContext("known", Map.of("region", "eu")));
            h.send(withContext("unseen", Map.of("region", "apac")));
            byte[] json = new FeatureVectorJsonSerde().serialize("t", withContext("missing", Map.of("other", "x")));
            h.features.pipeInput("e", json);

            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(List.of("known", "unseen"), scores.stream().map(ScoredEvent::getEventId).toList());
            assertEquals(TestModels.logDensity(X, 1.0), scores.get(0).getLogDensity(), 0.05);
            List<DeadLetter> dlq = h.dlq.readValuesToList();
            assertEquals(1, dlq.size());
            DeadLetter d = dlq.get(0);
            assertEquals(DeadLetterReason.MODEL_MISMATCH, d.getReason());
            assertTrue(d.getMessage().contains("'region'"), d.getMessage());
            assertEquals(MODEL, d.getModel());
            assertEquals(2L, d.getOffset());
            assertEquals(new String(json, StandardCharsets.UTF_8), new String(TestModels.bytes(d.getValue()),
                    StandardCharsets.UTF_8), "the original JSON, for replay");
            assertEquals(1.0, h.metrics.count(DetectorMetrics.DLQ, "reason", "MODEL_MISMATCH"));
        }
    }
}
