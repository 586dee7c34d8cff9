package io.normalcy.detector.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * The size check every output passes before it is forwarded. {@code KafkaProducer} refuses a record whose
 * estimated batch size (key + value + headers + record and batch framing) exceeds {@code max.request.size}; under
 * exactly-once that refusal poisons the whole transaction (see {@link OutputSettings}), so the check must happen
 * here, with the record still in our hands. The budget for key + value + headers is the limit minus
 * {@link #FRAMING_MARGIN}: the record batch header is 61 bytes and a record's varint framing at most ~40 bytes
 * plus ~10 per header, so the margin is generous on purpose (no compression gain is assumed either).
 */
final class OutputGuard {
    /** Bytes of the limit kept for framing the producer adds around key, value and headers. */
    static final int FRAMING_MARGIN = 4096;
    /** Framing charged per header (two varint lengths). */
    static final int PER_HEADER = 10;

    private final int budget;

    OutputGuard(int maxRecordSize) {
        this.budget = maxRecordSize - FRAMING_MARGIN;
    }

    /** Largest key + value + headers size that is forwarded. */
    int budget() {
        return budget;
    }

    /** Key, value and headers as the producer counts them against its request size (headers as an array). */
    static long size(byte[] key, byte[] value, Header[] headers) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += PER_HEADER + h.key().getBytes(StandardCharsets.UTF_8).length
                    + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    boolean fits(byte[] key, byte[] value, Header[] headers) {
        return size(key, value, headers) <= budget;
    }
}
