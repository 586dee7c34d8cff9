package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.Severity;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The documented webhook/SSE JSON shape (see {@link AlertJson}'s Javadoc), parsed back as generic JSON. */
class AlertJsonTest {
    private final ObjectMapper mapper = ObjectMapper.getDefault();

    private Map<String, Object> render(Alert a) throws Exception {
        byte[] json = mapper.writeValueAsBytes(AlertJson.of(a));
        return mapper.readValue(json, Argument.mapOf(String.class, Object.class));
    }

    @Test
    void documentedFieldsAndValues() throws Exception {
        Map<String, Object> m = render(TestAlerts.alert("a1", "payments", "card-42", Severity.CRITICAL));
        assertEquals(Set.of("alertId", "entity", "model", "modelVersion", "severity", "eventTime", "createdAt",
                "logDensity", "threshold", "quantileLevel", "thresholdScope", "pValue", "topFeatures", "features", "context",
                "contextNumeric", "attributes", "eventId", "source"), m.keySet());
        assertEquals("a1", m.get("alertId"));
        assertEquals("card-42", m.get("entity"));
        assertEquals("payments", m.get("model"));
        assertEquals(3, ((Number) m.get("modelVersion")).intValue());
        assertEquals("CRITICAL", m.get("severity"));
        assertEquals("2026-03-02T10:15:00Z", m.get("eventTime"));
        assertEquals("2026-03-02T10:15:01.204Z", m.get("createdAt"));
        assertEquals(-31.5, ((Number) m.get("logDensity")).doubleValue());
        assertEquals(-18.25, ((Number) m.get("threshold")).doubleValue());
        assertEquals(0.001, ((Number) m.get("quantileLevel")).doubleValue());
        assertEquals("country=FR", m.get("thresholdScope"));
        assertEquals(1.2e-4, ((Number) m.get("pValue")).doubleValue());
        assertEquals("ev-a1", m.get("eventId"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) m.get("topFeatures");
        assertEquals(1, top.size());
        assertEquals("amount", top.get(0).get("feature"));
        assertEquals(21.25, ((Number) top.get(0).get("deficit")).doubleValue());
        assertEquals(-1.25, ((Number) top.get(0).get("typicalTerm")).doubleValue());
        assertEquals(12.0, ((Number) top.get(0).get("expectedLow")).doubleValue());
        assertEquals(310.0, ((Number) top.get(0).get("expectedHigh")).doubleValue());
        assertEquals(0.99, ((Number) top.get(0).get("expectedMass")).doubleValue());
        assertEquals("amount 9120 — expected 12–310 (99 %) given country=FR and the preceding features",
                top.get(0).get("expected"));
        assertEquals(Map.of("country", "FR"), m.get("context"));
        assertEquals(Map.of("merchant", "m-7"), m.get("attributes"));
        assertEquals(9120.0, ((Number) ((Map<?, ?>) m.get("features")).get("amount")).doubleValue());
        Map<?, ?> source = (Map<?, ?>) m.get("source");
        assertEquals("normalcy.features", source.get("topic"));
        assertEquals(1, ((Number) source.get("partition")).intValue());
        assertEquals(1234, ((Number) source.get("offset")).intValue());
    }

    @Test
    void nonFiniteNumbersBecomeNullAndMissingSourceIsNull() throws Exception {
        Alert a = TestAlerts.alert("a2", "m", "e", Severity.WARNING);
        a.setLogDensity(Double.NEGATIVE_INFINITY);
        a.setFeatures(Map.of("x", Double.NaN));
        a.setSourceTopic(null);
        a.setSourcePartition(null);
        a.setSourceOffset(null);
        a.setEventId(null);
        Map<String, Object> m = render(a);
        assertNull(m.get("logDensity"));
        assertNull(((Map<?, ?>) m.get("features")).get("x"));
        assertNull(m.get("source"));
        assertNull(m.get("eventId"));
        assertEquals("WARNING", m.get("severity"));
    }

    /** A model without exact conditionals (RealNVP) gives no range: the fields and the sentence are null. */
    @Test
    void contributionWithoutRangeHasNullRangeFields() throws Exception {
        Alert a = TestAlerts.alert("a3", "m", "e", Severity.WARNING);
        a.setTopFeatures(List.of(new FeatureContribution("amount", 9120.0, -22.5, -1.25, 21.25, null, null, null)));
        @SuppressWarnings("unchecked")
        Map<String, Object> top = ((List<Map<String, Object>>) render(a).get("topFeatures")).get(0);
        assertEquals(21.25, ((Number) top.get("deficit")).doubleValue());
        assertNull(top.get("expectedLow"));
        assertNull(top.get("expectedHigh"));
        assertNull(top.get("expectedMass"));
        assertNull(top.get("expected"));
    }
}
