package io.normalcy.detector.topology;

import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterHeader;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.flow.model.Reason;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds {@link DeadLetter} records that keep everything needed to replay the failed input: original key, value
 * and headers bytes, and its topic/partition/offset/timestamp.
 */
final class DeadLetters {
    static final String APPLICATION = "normalcy-detector";

    private DeadLetters() {
    }

    /** Dead-letter reason of a scoring-input problem. */
    static DeadLetterReason reasonOf(Reason r) {
        return switch (r) {
            case MISSING_FEATURE -> DeadLetterReason.MISSING_FEATURE;
            case NON_FINITE_FEATURE -> DeadLetterReason.NON_FINITE_FEATURE;
            case UNKNOWN_FEATURE -> DeadLetterReason.UNKNOWN_FEATURE;
            // the record lacks a context value the model conditions on: it does not fit the model's contract
            case MISSING_CONTEXT -> DeadLetterReason.MODEL_MISMATCH;
            case INVALID_VALUE -> DeadLetterReason.OTHER;
        };
    }

    static DeadLetter of(Source src, byte[] key, byte[] value, Headers headers, long timestamp,
                         DeadLetterReason reason, String errorClass, String message, String model, long now) {
        List<DeadLetterHeader> hs = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                hs.add(new DeadLetterHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
            }
        }
        return new DeadLetter(src.topic(), src.partition(), src.offset(),
                key == null ? null : ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value), hs,
                timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null, errorClass, reason,
                message == null ? "" : message, model, Instant.ofEpochMilli(now), APPLICATION);
    }
}
