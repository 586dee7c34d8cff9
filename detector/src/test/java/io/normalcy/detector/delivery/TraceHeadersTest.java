package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
    private static final String TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void traceContextIsForwardedOthersAndUnsafeValuesAreNot() {
        RecordHeaders record = new RecordHeaders();
        record.add("traceparent", TP.getBytes(StandardCharsets.UTF_8));
        record.add("tracestate", "a=1\r\nX-Evil: 1".getBytes(StandardCharsets.UTF_8));
        record.add("x-other", "v".getBytes(StandardCharsets.UTF_8));
        Map<String, String> http = new LinkedHashMap<>(Map.of("X-Token", "t"));
        TraceHeaders.addTo(record, http);
        assertEquals(Map.of("X-Token", "t", "traceparent", TP), http);
    }

    @Test
    void aHeaderTheSubscriptionSetsWins() {
        RecordHeaders record = new RecordHeaders();
        record.add("traceparent", TP.getBytes(StandardCharsets.UTF_8));
        Map<String, String> http = new LinkedHashMap<>(Map.of("TraceParent", "mine"));
        TraceHeaders.addTo(record, http);
        assertEquals(Map.of("TraceParent", "mine"), http);
    }
}
