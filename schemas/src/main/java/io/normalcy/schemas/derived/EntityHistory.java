package io.normalcy.schemas.derived;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The recent history of one entity that derived features are computed from: its last events in arrival order,
 * each with its event time and the values of the {@link DerivedFeatures#sources() source features}, plus the latest
 * event time seen. Immutable; bounded by {@link DerivedFeatures} (at most {@link DerivedFeature#MAX_EVENTS} events).
 *
 * <p>Bytes (the detector's changelogged state store value): version byte {@value #FORMAT}, the source names
 * (count, UTF each), the latest event time, the event count, then per event its time and one double per source,
 * all big-endian ({@link DataOutputStream}). The names make a history readable after a model version changes its
 * sources: {@link DerivedFeatures#derive} starts a fresh history when a source it needs is not stored.
 */
public final class EntityHistory {
    /** Version byte of {@link #toBytes()}. */
    public static final byte FORMAT = 1;
    private static final int MAX_SOURCES = 1000;

    /** One past event: its time and the source values, in the order of {@link #sources()}. */
    record Event(long time, double[] values) {
    }

    private final List<String> sources;
    private final long latestTime;
    private final List<Event> events;

    EntityHistory(List<String> sources, long latestTime, List<Event> events) {
        this.sources = List.copyOf(sources);
        this.latestTime = latestTime;
        this.events = List.copyOf(events);
    }

    /** The history of an entity not seen yet. */
    public static EntityHistory empty(List<String> sources) {
        return new EntityHistory(sources, Long.MIN_VALUE, List.of());
    }

    public List<String> sources() {
        return sources;
    }

    /** Number of past events kept. */
    public int size() {
        return events.size();
    }

    /** The latest event time seen (epoch ms), {@link Long#MIN_VALUE} for an empty history. */
    public long latestTime() {
        return latestTime;
    }

    List<Event> events() {
        return events;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + events.size() * (8 + 8 * sources.size()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(sources.size());
            for (String s : sources) {
                out.writeUTF(s);
            }
            out.writeLong(latestTime);
            out.writeInt(events.size());
            for (Event e : events) {
                out.writeLong(e.time());
                for (double v : e.values()) {
                    out.writeDouble(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws InvalidHistoryException naming the problem (unknown version, truncated, out-of-range count,
     *                                 non-finite value, trailing bytes): never another exception
     */
    public static EntityHistory fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new InvalidHistoryException("unknown entity history format " + format + " (this release reads "
                        + FORMAT + ")");
            }
            int n = count(in.readInt(), MAX_SOURCES, "source");
            List<String> sources = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sources.add(in.readUTF());
            }
            long latest = in.readLong();
            int m = count(in.readInt(), DerivedFeature.MAX_EVENTS, "event");
            List<Event> events = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                long t = in.readLong();
                double[] values = new double[n];
                for (int j = 0; j < n; j++) {
                    values[j] = in.readDouble();
                    if (!Double.isFinite(values[j])) {
                        throw new InvalidHistoryException("event " + i + " has a non-finite value of '"
                                + sources.get(j) + "'");
                    }
                }
                events.add(new Event(t, values));
            }
            if (in.available() > 0) {
                throw new InvalidHistoryException(in.available() + " trailing bytes");
            }
            return new EntityHistory(sources, latest, events);
        } catch (EOFException e) {
            throw new InvalidHistoryException("truncated (" + bytes.length + " bytes)");
        } catch (IOException e) {
            throw new InvalidHistoryException("unreadable: " + e.getMessage());
        }
    }

    private static int count(int n, int max, String what) {
        if (n < 0 || n > max) {
            throw new InvalidHistoryException(what + " count " + n + " outside [0, " + max + "]");
        }
        return n;
    }
}
