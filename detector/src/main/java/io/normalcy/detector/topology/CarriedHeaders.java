package io.normalcy.detector.topology;

import io.normalcy.detector.config.OutputOptions;
import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The input headers ({@code normalcy.detector.output.carried-headers}, by default W3C {@code traceparent} and
 * {@code tracestate}) that are copied onto the scores and alerts made from an input record, so that a trace started
 * by the producer continues through the detector to the alert's consumers. Only the last value of each name is
 * carried. A value longer than {@code max-carried-header-bytes} is not carried and is counted
 * ({@link DetectorMetrics#HEADERS_DROPPED}): the record is still scored, its outputs go out without that header, and
 * no input can make an output the producer would refuse. Immutable; one per topology.
 */
final class CarriedHeaders {
    static final Header[] NONE = new Header[0];

    private final String[] names;
    private final int maxBytes;
    private final DetectorMetrics metrics;

    CarriedHeaders(OutputOptions options, DetectorMetrics metrics) {
        this.names = options.carriedHeaders().toArray(String[]::new);
        this.maxBytes = options.maxCarriedHeaderBytes();
        this.metrics = metrics;
    }

    /** The headers of {@code in} to carry, in configured order; {@link #NONE} (no allocation) when there are none. */
    Header[] of(Headers in) {
        if (names.length == 0 || in == null) {
            return NONE;
        }
        Header[] out = null;
        int n = 0;
        for (String name : names) {
            Header h = in.lastHeader(name);
            if (h == null) {
                continue;
            }
            byte[] value = h.value();
            if (value != null && value.length > maxBytes) {
                metrics.headerDropped(name);
                continue;
            }
            if (out == null) {
                out = new Header[names.length];
            }
            out[n++] = new RecordHeader(name, value);
        }
        return out == null ? NONE : n == out.length ? out : Arrays.copyOf(out, n);
    }
}
