package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a model with derived features ({@code a.diff}, {@code a.mean_2}) is scored on the values the detector
 * derives from each entity's history in its changelogged store. The test model's density is known in closed form
 * in (a, a.diff, a.mean_2), so each score checks the derived values; an alert carries them exactly.
 */
class DerivedFeaturesTopologyTest {
    private static final String MODEL = "derived";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);

    private static void send(TopologyHarness h, String entity, String id, long second, double a) {
        h.send(vector(MODEL, entity, START.plusSeconds(second), id, Map.of("a", a)));
    }

    private static double expected(double a, double diff, double mean) {
        return TestModels.logDensity(Map.of("a", a, "b", diff, "c", mean), 1.0);
    }

    @Test
    void eachEntityIsScoredOnItsOwnHistory() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.derived(MODEL, 1, 1.0));
            send(h, "e1", "1", 0, 1.0);
            send(h, "e2", "2", 0, -1.0);
            send(h, "e1", "3", 1, 1.5);
            send(h, "e1", "4", 2, 0.5);
            send(h, "e2", "5", 3, -0.5);
            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(List.of("1", "2", "3", "4", "5"), s.stream().map(ScoredEvent::getEventId).toList());
            assertEquals(expected(1.0, 0, 1.0), s.get(0).getLogDensity(), 0.05, "first event: steady warm-up");
            assertEquals(expected(-1.0, 0, -1.0), s.get(1).getLogDensity(), 0.05);
            assertEquals(expected(1.5, 0.5, 1.0), s.get(2).getLogDensity(), 0.05);
            assertEquals(expected(0.5, -1.0, 1.25), s.get(3).getLogDensity(), 0.05);
            assertEquals(expected(-0.5, 0.5, -1.0), s.get(4).getLogDensity(), 0.05, "e2 never saw e1's values");
            assertTrue(h.dlq.readValuesToList().isEmpty());
        }
    }

    @Test
    void anAlertCarriesTheDerivedValues() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.derived(MODEL, 1, 1.0));
            send(h, "e", "1", 0, 0.25);
            send(h, "e", "2", 1, 0.75);
            send(h, "e", "3", 2, 9.0);
            List<Alert> alerts = h.alerts.readValuesToList();
            assertEquals(1, alerts.size());
            assertEquals(Map.of("a", 9.0, "a.diff", 8.25, "a.mean_2", 0.5), alerts.get(0).getFeatures());
        }
    }

    @Test
    void aRecordWithoutTheSourceIsDeadLetteredAndLeavesTheHistoryAlone() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.derived(MODEL, 1, 1.0));
            send(h, "e", "1", 0, 1.0);
            h.send(vector(MODEL, "e", START.plusSeconds(1), "2", Map.of("x", 5.0)));
            h.send(vector(MODEL, "e", START.plusSeconds(2), "3", Map.of("a", Double.NaN)));
            send(h, "e", "4", 3, 2.0);
            List<DeadLetter> dlq = h.dlq.readValuesToList();
            assertEquals(2, dlq.size());
            assertEquals(DeadLetterReason.MISSING_FEATURE, dlq.get(0).getReason());
            assertEquals(DeadLetterReason.NON_FINITE_FEATURE, dlq.get(1).getReason());
            assertTrue(dlq.get(0).getMessage().contains("feature 'a' is missing"), dlq.get(0).getMessage());
            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(List.of("1", "4"), s.stream().map(ScoredEvent::getEventId).toList());
            assertEquals(expected(2.0, 1.0, 1.0), s.get(1).getLogDensity(), 0.05,
                    "the history holds event 1 only");
        }
    }

    @Test
    void unreadableHistoryBytesStartTheEntityAfreshInsteadOfFailingIt() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.derived(MODEL, 1, 1.0));
            send(h, "e", "1", 0, 1.0);
            KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.HISTORY_STORE);
            String key = MODEL + '\u001F' + "e";
            assertTrue(store.get(key) != null, "the history is stored under model + entity");
            store.put(key, "garbage".getBytes(StandardCharsets.UTF_8));
            send(h, "e", "2", 1, 2.0);
            List<ScoredEvent> s = h.scores.readValuesToList();
            assertEquals(2, s.size());
            assertEquals(expected(2.0, 0, 2.0), s.get(1).getLogDensity(), 0.05, "warm-up again");
            assertTrue(h.dlq.readValuesToList().isEmpty());
        }
    }

    @Test
    void aModelWithoutDerivedFeaturesStoresNoHistory() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal("plain", 1, 1.0));
            h.send(vector("plain", "e", START, "1", Map.of("a", 0.1, "b", 0.2, "c", 0.3)));
            assertEquals(1, h.scores.readValuesToList().size());
            KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.HISTORY_STORE);
            assertEquals(0L, store.approximateNumEntries());
        }
    }
}
