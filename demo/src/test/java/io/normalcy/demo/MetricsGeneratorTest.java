package io.normalcy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.topology.FeatureDecoder;
import io.normalcy.demo.MetricsGenerator.Event;
import io.normalcy.demo.MetricsGenerator.Label;
import io.normalcy.schemas.mapping.RecordMappings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metrics scenario's generator: raw JSON keyed by host that the scenario's own mapping turns into vectors,
 * quantised values, and truth labels where the brief says — spikes outside everyone's range, level shifts to levels
 * that are normal for other hosts but not for the shifted one.
 */
class MetricsGeneratorTest {
    private static final long START = 1_765_000_800_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The detector's decoding under the demo's mapping configuration (flattened keys, as the services get them). */
    private static FeatureDecoder decoder() {
        Map<String, Object> nested = new LinkedHashMap<>();
        String prefix = "normalcy.detector.mappings.";
        ServiceConfig.metricsMappings("normalcy.detector").forEach((k, v) -> {
            String[] parts = k.substring(prefix.length()).split("\\.", 2);
            String[] rest = parts[1].split("\\.", 2);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) nested.computeIfAbsent(parts[0], x -> new HashMap<>());
            if (rest.length == 1) {
                m.put(rest[0], v);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) m.computeIfAbsent(rest[0], x -> new HashMap<>());
                sub.put(rest[1], v);
            }
        });
        return new FeatureDecoder(DetectorSettings.defaults().withMappings(RecordMappings.parse(
                "normalcy.detector.mappings", nested)), null);
    }

    @Test
    void recordsAreRawJsonKeyedByHostAndMappedToQuantisedFeatures() throws Exception {
        MetricsGenerator g = new MetricsGenerator(3, START, "r");
        List<Event> events = new ArrayList<>(g.history(30));
        events.addAll(g.stream(40, 0.01, 4));
        FeatureDecoder decoder = decoder();
        for (Event e : events) {
            JsonNode json = JSON.readTree(e.value());
            assertEquals(e.host(), json.get("host").asText(), "keyed by host");
            JsonNode m = json.get("metrics");
            assertTrue(m.get("errors").isIntegralNumber(), e.json());
            assertEquals(Math.round(m.get("cpu").asDouble() * 10) / 10.0, m.get("cpu").asDouble(), 0, e.json());
            assertEquals(Math.round(m.get("latency_ms").asDouble() * 10) / 10.0, m.get("latency_ms").asDouble(), 0);
            for (String topic : List.of(ServiceConfig.METRICS_TOPIC, ServiceConfig.METRICS_RAW_TOPIC)) {
                FeatureVector v = decoder.decode(topic, e.host().getBytes(StandardCharsets.UTF_8), 0, e.value());
                assertEquals(e.host(), v.getEntity());
                assertEquals(e.eventId(), v.getEventId());
                assertEquals(e.eventTime(), v.getEventTime().toEpochMilli());
                assertEquals(m.get("cpu").asDouble(), v.getFeatures().get("cpu"));
                assertEquals(m.get("errors").asDouble(), v.getFeatures().get("errors"));
                assertEquals(topic.equals(ServiceConfig.METRICS_TOPIC) ? ServiceConfig.DERIVED_MODEL
                        : ServiceConfig.RAW_MODEL, v.getModel());
            }
        }
        assertEquals(70 * MetricsGenerator.hostCount(), events.size());
        assertEquals(events.size(), events.stream().map(Event::eventId).distinct().count(), "ids unique");
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        assertEquals(new MetricsGenerator(5, START, "r").stream(40, 0.01, 3),
                new MetricsGenerator(5, START, "r").stream(40, 0.01, 3));
        assertNotEquals(new MetricsGenerator(5, START, "r").stream(40, 0.01, 3),
                new MetricsGenerator(6, START, "r").stream(40, 0.01, 3));
    }

    @Test
    void spikesAreOutOfEveryonesRangeAndLevelShiftsNormalForOthersButNotForTheHost() throws Exception {
        MetricsGenerator g = new MetricsGenerator(11, START, "r");
        List<Event> history = g.history(96);
        List<Event> stream = g.stream(96, 0.01, 6);
        assertTrue(history.stream().allMatch(e -> e.label() == Label.NORMAL));
        long spikes = stream.stream().filter(e -> e.label() == Label.SPIKE).count();
        assertTrue(spikes > 0.5 * 0.01 * stream.size() && spikes < 1.5 * 0.01 * stream.size(), "spikes: " + spikes);

        DoubleSummaryStatistics everyoneCpu = new DoubleSummaryStatistics();
        DoubleSummaryStatistics everyoneLatency = new DoubleSummaryStatistics();
        Map<String, DoubleSummaryStatistics> ownLatency = new HashMap<>();
        for (Event e : history) {
            JsonNode m = JSON.readTree(e.value()).get("metrics");
            everyoneCpu.accept(m.get("cpu").asDouble());
            everyoneLatency.accept(m.get("latency_ms").asDouble());
            ownLatency.computeIfAbsent(e.host(), h -> new DoubleSummaryStatistics())
                    .accept(m.get("latency_ms").asDouble());
        }
        Map<String, List<Event>> shifted = new LinkedHashMap<>();
        for (Event e : stream) {
            JsonNode m = JSON.readTree(e.value()).get("metrics");
            if (e.label() == Label.SPIKE) {
                assertEquals(100.0, m.get("cpu").asDouble(), e.json());
                assertTrue(m.get("errors").asLong() >= 50, e.json()); // history: a few per report at most
            } else if (e.label() == Label.LEVEL_SHIFT) {
                shifted.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(e);
            }
        }
        assertEquals(6, shifted.size(), "hosts shifted");
        for (List<Event> shift : shifted.values()) {
            assertEquals(MetricsGenerator.SHIFT_LABELLED, shift.size());
            DoubleSummaryStatistics own = ownLatency.get(shift.get(0).host());
            DoubleSummaryStatistics shiftedLatency = new DoubleSummaryStatistics();
            for (Event e : shift) {
                JsonNode m = JSON.readTree(e.value()).get("metrics");
                shiftedLatency.accept(m.get("latency_ms").asDouble());
                assertTrue(m.get("cpu").asDouble() >= everyoneCpu.getMin()
                        && m.get("cpu").asDouble() <= everyoneCpu.getMax(), "normal for others: " + e.json());
                assertTrue(m.get("latency_ms").asDouble() >= everyoneLatency.getMin()
                        && m.get("latency_ms").asDouble() <= everyoneLatency.getMax(), "normal for others: " + e.json());
            }
            assertTrue(shiftedLatency.getAverage() < own.getMin() || shiftedLatency.getAverage() > own.getMax(),
                    "abnormal for " + shift.get(0).host() + ": " + shiftedLatency + " vs its history " + own);
            // consecutive reports of the host, the first after the warm-up, followed by settling ones
            long first = shift.get(0).eventTime();
            assertTrue(first >= g.currentTime() - (96 - MetricsGenerator.WARM_UP) * MetricsGenerator.STEP_MILLIS);
            for (int i = 1; i < shift.size(); i++) {
                assertEquals(first + i * MetricsGenerator.STEP_MILLIS, shift.get(i).eventTime());
            }
            long settling = stream.stream().filter(e -> e.host().equals(shift.get(0).host())
                    && e.label() == Label.SETTLING).count();
            assertTrue(settling <= MetricsGenerator.WINDOW - MetricsGenerator.SHIFT_LABELLED, "settling " + settling);
        }
        assertThrows(IllegalArgumentException.class, () -> new MetricsGenerator(1, START, "r").stream(10, 0.01, 1));
    }
}
