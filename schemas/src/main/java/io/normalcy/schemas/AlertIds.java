package io.normalcy.schemas;

import io.normalcy.avro.FeatureVector;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Derivation of {@code Alert.alertId}. The id must be stable so that a detector restart, a replay or a
 * re-score by a newer model version yields the same id and downstream systems can de-duplicate.
 *
 * <p>Exact rule (version 1): SHA-256 over the bytes
 * {@code str("normalcy-alert-v1") str(model) str(entity) int64(eventTime epoch millis)} followed by
 * either {@code 'E' str(eventId)} when the event has an eventId, or
 * {@code 'O' str(sourceTopic) int32(partition) int64(offset)} otherwise, where {@code str(s)} is the
 * big-endian int32 length of the UTF-8 bytes of s followed by those bytes (length prefixes make the
 * encoding unambiguous whatever characters names contain). The id is the lowercase hex of the first 16
 * digest bytes (32 characters). The model version is deliberately not an input.
 */
public final class AlertIds {

    private static final String DOMAIN = "normalcy-alert-v1";

    private AlertIds() {
    }

    /** Alert id of a feature vector read from {@code topic}/{@code partition}/{@code offset}. */
    public static String derive(FeatureVector event, String topic, int partition, long offset) {
        return derive(event.getModel(), event.getEntity(), event.getEventTime(), event.getEventId(), topic, partition, offset);
    }

    /**
     * Alert id from its parts; {@code eventId} may be null, the source coordinates are then used
     * (and must be non-null).
     */
    public static String derive(String model, String entity, Instant eventTime, String eventId,
                                String sourceTopic, int partition, long offset) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(eventTime, "eventTime");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            str(out, DOMAIN);
            str(out, model);
            str(out, entity);
            out.writeLong(eventTime.toEpochMilli());
            if (eventId != null) {
                out.writeByte('E');
                str(out, eventId);
            } else {
                out.writeByte('O');
                str(out, Objects.requireNonNull(sourceTopic, "sourceTopic (required when eventId is null)"));
                out.writeInt(partition);
                out.writeLong(offset);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha256(bytes.toByteArray()), 0, 16);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
        }
    }
}
