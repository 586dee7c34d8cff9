package io.normalcy.detector.topology;

import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterHeader;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.flow.model.Reason;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds {@link DeadLetter} records that keep everything needed to replay the failed input: original key, value
 * and headers bytes, and its topic/partition/offset/timestamp. When that does not fit the producer's limit, a
 * {@linkplain #shortened shortened} copy keeps the coordinates, the original sizes and as much of the value as fits.
 */
final class DeadLetters {
    static final String APPLICATION = "normalcy-detector";
    /** Longest message kept in a shortened dead letter, in chars. */
    static final int MESSAGE_CHARS = 4096;
    /** Header bytes kept in a shortened dead letter, in total. */
    static final int HEADER_BYTES = 16 * 1024;

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

    /** The dead letter of one input record, complete (original key, value and headers). */
    static DeadLetter of(Source src, byte[] key, byte[] value, Headers headers, long timestamp,
                         DeadLetterReason reason, String errorClass, String message, String model, long now) {
        List<DeadLetterHeader> hs = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                hs.add(new DeadLetterHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
            }
        }
        return DeadLetter.newBuilder().setSourceTopic(src.topic()).setPartition(src.partition())
                .setOffset(src.offset()).setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value)).setHeaders(hs)
                .setSourceTimestamp(timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null)
                .setErrorClass(errorClass).setReason(reason).setMessage(message == null ? "" : message)
                .setModel(model).setFailedAt(Instant.ofEpochMilli(now)).setApplication(APPLICATION)
                .setOriginalKeySize(key == null ? null : key.length)
                .setOriginalValueSize(value == null ? null : value.length).build();
    }

    /**
     * A copy of {@code d} whose encoding fits in {@code room} bytes, marked {@code truncated}: key and header values
     * capped at {@link Truncation#MAX_BYTES} (headers beyond {@link #HEADER_BYTES} in total dropped), message and
     * model capped, and the value cut to whatever room is left. The original sizes ({@code originalKeySize},
     * {@code originalValueSize}) and the source coordinates stay, so the complete record can be fetched from the
     * input topic while it is retained.
     */
    static DeadLetter shortened(DeadLetter d, Codecs codecs, String topic, int room) {
        DeadLetter.Builder b = DeadLetter.newBuilder(d).setTruncated(true)
                .setKey(d.getKey() == null ? null : ByteBuffer.wrap(Truncation.cap(bytes(d.getKey()),
                        Truncation.MAX_BYTES)))
                .setHeaders(shortened(d.getHeaders()))
                .setMessage(Truncation.cap(d.getMessage(), MESSAGE_CHARS)).setModel(Truncation.cap(d.getModel()))
                .setValue(d.getValue() == null ? null : ByteBuffer.allocate(0));
        if (d.getValue() != null) {
            int fixed = codecs.deadLetter(topic, b.build()).length;
            byte[] value = bytes(d.getValue());
            // the bytes' length prefix grows by at most 5 bytes (varint) once the value is no longer empty
            int keep = Math.max(0, Math.min(value.length, room - fixed - 5));
            b.setValue(ByteBuffer.wrap(Arrays.copyOf(value, keep)));
        }
        return b.build();
    }

    private static List<DeadLetterHeader> shortened(List<DeadLetterHeader> headers) {
        List<DeadLetterHeader> out = new ArrayList<>();
        int total = 0;
        for (DeadLetterHeader h : headers) {
            String key = Truncation.cap(h.getKey());
            byte[] value = h.getValue() == null ? null : Truncation.cap(bytes(h.getValue()), Truncation.MAX_BYTES);
            total += key.length() + (value == null ? 0 : value.length);
            if (total > HEADER_BYTES) {
                break;
            }
            out.add(new DeadLetterHeader(key, value == null ? null : ByteBuffer.wrap(value)));
        }
        return out;
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
