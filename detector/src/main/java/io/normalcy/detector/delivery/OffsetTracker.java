package io.normalcy.detector.delivery;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which alert offsets webhook delivery may commit, now that subscribers are served independently and finish out
 * of order. A record with work (webhook calls, a dead letter) gets a {@link Ticket} counting its open parts;
 * each part is closed when it is delivered or its dead letter is acknowledged. Per partition the committable
 * offset is the lowest offset with an open ticket, or — when none is open — the position after the last record
 * handed out: never past an alert that some subscriber has neither received nor dead-lettered (at least once).
 * Records without work hold nothing. Memory is bounded by the open tickets, i.e. by the subscriber queues.
 *
 * <p>Partitions taken away by a rebalance are {@linkplain #revoke revoked}: their tickets become void (the new
 * owner redelivers from the committed offset), so lanes skip their queued parts. Thread-safe.
 */
final class OffsetTracker {

    /** The open parts of one record; {@link #done()} closes one. */
    final class Ticket {
        private final TopicPartition partition;
        private final long offset;
        private int remaining;
        private boolean revoked;

        private Ticket(TopicPartition partition, long offset, int parts) {
            this.partition = partition;
            this.offset = offset;
            this.remaining = parts;
        }

        /** Closes one part (delivered, or its dead letter written). */
        void done() {
            synchronized (OffsetTracker.this) {
                if (revoked || remaining == 0) {
                    return;
                }
                if (--remaining == 0) {
                    State s = partitions.get(partition);
                    if (s != null) {
                        s.open.remove(offset);
                    }
                }
            }
        }

        /** The partition was revoked: nobody waits for this record here any more. */
        boolean revoked() {
            synchronized (OffsetTracker.this) {
                return revoked;
            }
        }

        TopicPartition partition() {
            return partition;
        }

        long offset() {
            return offset;
        }
    }

    private static final class State {
        final TreeMap<Long, Ticket> open = new TreeMap<>();
        long next = -1;      // position after the last record handed out
        long committed = -1; // last offset committed by us
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();

    /** A ticket with {@code parts} (≥ 1) open parts for the record at {@code offset}. */
    synchronized Ticket open(TopicPartition tp, long offset, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1");
        }
        Ticket t = new Ticket(tp, offset, parts);
        State s = partitions.computeIfAbsent(tp, k -> new State());
        s.open.put(offset, t);
        s.next = Math.max(s.next, offset + 1);
        return t;
    }

    /** Every record of {@code tp} before {@code next} has been handed out (those without work are thereby done). */
    synchronized void handedOut(TopicPartition tp, long next) {
        State s = partitions.computeIfAbsent(tp, k -> new State());
        s.next = Math.max(s.next, next);
    }

    /** Offsets that may be committed and were not yet (call {@link #committed} after a successful commit). */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, s) -> {
            long c = s.open.isEmpty() ? s.next : s.open.firstKey();
            if (c > s.committed && c >= 0) {
                out.put(tp, new OffsetAndMetadata(c));
            }
        });
        return out;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            State s = partitions.get(tp);
            if (s != null) {
                s.committed = Math.max(s.committed, o.offset());
            }
        });
    }

    /** Forgets {@code tps}: their open tickets are void. */
    synchronized void revoke(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            State s = partitions.remove(tp);
            if (s != null) {
                s.open.values().forEach(t -> t.revoked = true);
            }
        }
    }

    synchronized void revokeAll() {
        revoke(List.copyOf(partitions.keySet()));
    }

    /** Open tickets (for tests and logs). */
    synchronized int open() {
        return partitions.values().stream().mapToInt(s -> s.open.size()).sum();
    }
}
