package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.schemas.derived.HistoryLimit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The size guard of the entity history store (issue 12): a time-window feature over a busy entity would otherwise
 * keep every event of the window (up to 1,000, and more bytes than the changelog topic takes for a model with many
 * sources). The stored history is capped by {@code normalcy.detector.history.max-events-per-entity} and
 * {@code max-bytes-per-entity}; the capped time-window count saturates at the cap, exactly as the shared
 * derivation computes it with the same limit (the trainer's path).
 */
class HistoryLimitTopologyTest {
    private static final String MODEL = "busy";
    private static final String KEY = MODEL + '\u001F' + "e";

    /** {@code n} events of one entity 1 s apart (all inside the 1 h windows); returns the alerts' feature maps. */
    private static List<Map<String, Double>> run(TopologyHarness h, int n) {
        h.publish(TestModels.derived(MODEL, 1, 1.0, "count_1h", "a.mean_1h"));
        for (int i = 0; i < n; i++) {
            h.send(vector(MODEL, "e", START.plusSeconds(i), "ev" + i, Map.of("a", value(i))));
        }
        assertEquals(n, h.scores.readValuesToList().size(), "every event scored");
        return h.alerts.readValuesToList().stream().map(Alert::getFeatures).toList();
    }

    private static double value(int i) {
        return (i % 7) * 0.25 - 0.5;
    }

    /** The last event's derived values by the shared code with {@code limit} (what the trainer computes). */
    private static Map<String, Double> shared(int n, HistoryLimit limit) {
        DerivedFeatures spec = DerivedFeatures.parse(List.of("count_1h", "a.mean_1h"));
        EntityHistory h = null;
        Map<String, Double> last = null;
        for (int i = 0; i < n; i++) {
            DerivedFeatures.Derivation d = spec.derive(h, START.plusSeconds(i).toEpochMilli(), Map.of("a", value(i)),
                    limit);
            h = d.next();
            last = d.values();
        }
        return last;
    }

    private static EntityHistory stored(TopologyHarness h) {
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.HISTORY_STORE);
        return EntityHistory.fromBytes(store.get(KEY));
    }

    @Test
    void theEventCapBoundsTheStoredHistoryAndTheCountSaturates() {
        HistoryLimit limit = new HistoryLimit(50, HistoryLimit.MAX_BYTES);
        DetectorSettings settings = DetectorSettings.defaults().withCoolDown(Duration.ZERO).withHistory(limit);
        try (TopologyHarness h = new TopologyHarness(settings)) {
            List<Map<String, Double>> alerts = run(h, 200);
            assertEquals(50, stored(h).size(), "at most max-events-per-entity events stored");
            Map<String, Double> last = alerts.get(alerts.size() - 1);
            assertEquals(50.0, last.get("count_1h"), "count_1h saturates at the cap");
            Map<String, Double> expected = shared(200, limit);
            assertEquals(expected.get("count_1h"), last.get("count_1h"));
            assertEquals(expected.get("a.mean_1h"), last.get("a.mean_1h"), "mean over the newest 50 events");
        }
    }

    @Test
    void theByteCapKeepsEveryHistoryRecordWithinMaxBytes() {
        HistoryLimit limit = new HistoryLimit(1000, HistoryLimit.MIN_BYTES);
        DetectorSettings settings = DetectorSettings.defaults().withCoolDown(Duration.ZERO).withHistory(limit);
        try (TopologyHarness h = new TopologyHarness(settings)) {
            List<Map<String, Double>> alerts = run(h, 400);
            KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.HISTORY_STORE);
            int bytes = store.get(KEY).length;
            assertTrue(bytes <= HistoryLimit.MIN_BYTES, "history record of " + bytes + " bytes");
            int kept = stored(h).size();
            assertTrue(kept > 200 && kept < 400, "as many events as fit: " + kept);
            assertEquals(shared(400, limit).get("count_1h"), alerts.get(alerts.size() - 1).get("count_1h"));
        }
    }

    @Test
    void theDefaultLimitIsTheSharedDefault() {
        try (TopologyHarness h = new TopologyHarness(DetectorSettings.defaults().withCoolDown(Duration.ZERO))) {
            List<Map<String, Double>> alerts = run(h, 60);
            assertEquals(60, stored(h).size());
            assertEquals(59.0, alerts.get(alerts.size() - 1).get("count_1h"));
        }
    }

    @Test
    void outOfRangeLimitsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectorSettings.defaults().withHistory(new HistoryLimit(0, HistoryLimit.MAX_BYTES)));
        assertTrue(e.getMessage().contains(DetectorSettings.HISTORY_MAX_EVENTS), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DetectorSettings.defaults().withHistory(new HistoryLimit(10, 2_000_000)));
        assertTrue(e.getMessage().contains(DetectorSettings.HISTORY_MAX_BYTES), e.getMessage());
    }
}
