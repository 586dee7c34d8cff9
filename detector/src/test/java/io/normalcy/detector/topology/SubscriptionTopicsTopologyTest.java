package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.metrics.DetectorMetrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Alert copies go only to subscription topics known to exist ({@link KnownTopics}); a copy to a missing topic
 * becomes a dead letter naming subscription and topic, and nothing else is affected. Also: the producer limit the
 * topology is given, not a constant, decides when outputs are shortened.
 */
class SubscriptionTopicsTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    @Test
    void aCopyToAMissingTopicIsDeadLetteredAndScoringGoesOn() {
        Set<String> existing = ConcurrentHashMap.newKeySet();
        existing.add("sub.ok");
        OutputSettings outputs = new OutputSettings(OutputSettings.defaults().maxRecordSize(), existing::contains);
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN, outputs)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.subscribe(TestModels.subscription("ok", List.of(), Severity.WARNING, null, "sub.ok", true));
            h.subscribe(TestModels.subscription("gone", List.of(), Severity.WARNING, null, "sub.gone", true));
            h.send(vector(MODEL, "e1", START, "1", x(6, 0, 0)));
            h.send(vector(MODEL, "e2", START, "2", x(0, 0, 0)));

            assertEquals(List.of("e1"), h.alerts.readValuesToList().stream().map(Alert::getEntity).toList());
            assertEquals(1, h.alertTopic("sub.ok").getQueueSize());
            assertTrue(h.alertTopic("sub.gone").isEmpty(), "nothing is produced to a missing topic");
            assertEquals(List.of("1", "2"), h.scores.readValuesToList().stream().map(ScoredEvent::getEventId)
                    .toList());
            List<TestRecord<byte[], DeadLetter>> dlq = h.dlq.readRecordsToList();
            assertEquals(1, dlq.size());
            DeadLetter d = dlq.get(0).value();
            assertEquals(DeadLetterReason.DELIVERY_FAILED, d.getReason());
            assertTrue(d.getMessage().contains("'gone'") && d.getMessage().contains("'sub.gone'"), d.getMessage());
            assertEquals("org.apache.kafka.common.errors.UnknownTopicOrPartitionException", d.getErrorClass());
            assertEquals(0L, d.getOffset());
            assertEquals(MODEL, d.getModel());
            assertEquals("e1", new String(dlq.get(0).key(), StandardCharsets.UTF_8), "the input, for replay");
            assertEquals(1.0, h.metrics.count(DetectorMetrics.UNROUTABLE, "subscription", "gone"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.ROUTED, "subscription", "ok"));
            assertEquals(0.0, h.metrics.count(DetectorMetrics.ROUTED, "subscription", "gone"));

            existing.add("sub.gone"); // created later: the next copy is routed
            h.send(vector(MODEL, "e3", START, "3", x(6, 0, 0)));
            assertEquals(1, h.alertTopic("sub.gone").getQueueSize());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void theConfiguredProducerLimitDecidesWhatIsShortened() {
        String entity = "e".repeat(40_000); // fits Kafka's default 1 MiB, not a 32 KiB limit
        OutputSettings small = new OutputSettings(32 * 1024, KnownTopics.all());
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN, small)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, entity, START, "1", x(0, 0, 0)));
            TestRecord<String, ScoredEvent> s = h.scores.readRecord();
            assertTrue(s.value().getEntity().contains("truncated: 40000 bytes"), "shortened");
            assertNotNull(s.headers().lastHeader(Slimming.TRUNCATED));
        }
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, entity, START, "1", x(0, 0, 0)));
            assertEquals(entity, h.scores.readValue().getEntity(), "untouched under the default limit");
        }
    }
}
