package io.normalcy.detector.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C Trace Context of an alert, from its Kafka headers (which the detector copied from the scored input,
 * {@code normalcy.detector.output.carried-headers}) to the HTTP headers of its webhook call, so a receiver can join
 * the producer's trace. Only {@code traceparent} and {@code tracestate} (the HTTP names W3C defines), only
 * printable ASCII up to {@link #MAX_LENGTH} characters (a header value must not smuggle a line break into the
 * request), and never over a header the subscription sets itself.
 */
final class TraceHeaders {
    static final List<String> NAMES = List.of("traceparent", "tracestate");
    static final int MAX_LENGTH = 8192;

    private TraceHeaders() {
    }

    /** Adds the alert record's trace headers to {@code http} where the subscription has not set them. */
    static void addTo(Headers record, Map<String, String> http) {
        if (record == null) {
            return;
        }
        for (String name : NAMES) {
            Header h = record.lastHeader(name);
            if (h == null || h.value() == null || h.value().length > MAX_LENGTH || !printable(h.value())
                    || http.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                continue;
            }
            http.put(name, new String(h.value(), StandardCharsets.US_ASCII));
        }
    }

    private static boolean printable(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return value.length > 0;
    }
}
