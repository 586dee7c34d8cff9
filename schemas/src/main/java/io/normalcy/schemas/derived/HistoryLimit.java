package io.normalcy.schemas.derived;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How much of an entity's history {@link DerivedFeatures#derive} keeps, beyond what the model's features can read:
 * at most {@code maxEvents} events, and no more than fit in {@code maxBytes} of {@link EntityHistory#toBytes()}.
 * The detector stores each history as one record of a changelogged state store, so without a bound a time window
 * over a busy entity ({@code count_1h} at 1,000 events/s) or a model with many sources would grow the record past
 * the changelog topic's {@code max.message.bytes} and stop the stream. The oldest events go first; the derived
 * features then see a shortened history: a time-window {@code count} saturates at the cap, a time-window
 * mean/std/min/max covers the newest events only, a lag deeper than the cap is the oldest value kept (warm-up rule).
 * Because the cap is applied inside the shared derivation, the trainer and the detector compute the same values as
 * long as they use the same limit ({@link #DEFAULT} in both unless configured: {@code normalcy.detector.history.*} and
 * {@code normalcy.trainer.history.*}).
 *
 * @param maxEvents most events kept per entity (≤ {@link DerivedFeature#MAX_EVENTS})
 * @param maxBytes  largest serialised history, bytes
 */
public record HistoryLimit(int maxEvents, int maxBytes) {
    /**
     * Largest {@code maxBytes}: a history record plus its key (model name and an entity capped at 1,024 chars) and
     * the record overhead stays under Kafka's default {@code max.message.bytes} (1,048,588) and producer
     * {@code max.request.size} (1,048,576).
     */
    public static final int MAX_BYTES = 1_000_000;
    /** Smallest {@code maxBytes}: room for the names of a few sources and some events. */
    public static final int MIN_BYTES = 4_096;
    /** The default of both the trainer and the detector. */
    public static final HistoryLimit DEFAULT = new HistoryLimit(DerivedFeature.MAX_EVENTS, MAX_BYTES);

    /**
     * The limit of a service's two settings, range-checked once here so that the detector and the trainer accept the
     * same values (a value only one of them took would leave them deriving differently).
     *
     * @param eventsKey the configuration key of {@code maxEvents}, named in the error
     * @param bytesKey  the configuration key of {@code maxBytes}, named in the error
     * @throws IllegalArgumentException naming the key whose value is out of range
     */
    public static HistoryLimit checked(int maxEvents, int maxBytes, String eventsKey, String bytesKey) {
        if (maxEvents < 1 || maxEvents > DerivedFeature.MAX_EVENTS) {
            throw new IllegalArgumentException(eventsKey + " must be in [1, " + DerivedFeature.MAX_EVENTS
                    + "], got " + maxEvents);
        }
        if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException(bytesKey + " must be in [" + MIN_BYTES + ", " + MAX_BYTES
                    + "] (below the detector's changelog topic's max.message.bytes), got " + maxBytes);
        }
        return new HistoryLimit(maxEvents, maxBytes);
    }

    /** Events of {@code sources.size()} values each that fit in {@link #maxBytes} with the history's header. */
    int eventsWithin(List<String> sources, int headerBytes) {
        long perEvent = 8L + 8L * sources.size();
        long room = (long) maxBytes - headerBytes;
        return (int) Math.max(0, Math.min(maxEvents, room / perEvent));
    }

    /** Bytes of {@link EntityHistory#toBytes()} before its events: format, source names, latest time, count. */
    static int headerBytes(List<String> sources) {
        int n = 1 + 4 + 8 + 4;
        for (String s : sources) {
            n += 2 + s.getBytes(StandardCharsets.UTF_8).length; // writeUTF; the names are short, plain text
        }
        return n;
    }
}
