package io.normalcy.detector.batch;

import java.time.Instant;

/**
 * The record-timestamp range of a backfill, both ends inclusive, either end open (null). A partition is read
 * from the first offset whose timestamp is at or after {@code from} ({@code offsetsForTimes}) and stops at its
 * first record after {@code to}: with producer-set timestamps a partition is only roughly ordered by time, so a
 * record before {@code from} met on the way is skipped and counted, and everything behind the first record after
 * {@code to} is left unread (the range is bounded by offsets, never by waiting).
 */
public record TimeRange(Instant from, Instant to) {
    /** Where a record falls. */
    public enum Position { BEFORE, IN, AFTER }

    public TimeRange {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("--from (" + from + ") must not be after --to (" + to + ")");
        }
    }

    public static TimeRange all() {
        return new TimeRange(null, null);
    }

    public Position of(long timestamp) {
        if (from != null && timestamp < from.toEpochMilli()) {
            return Position.BEFORE;
        }
        if (to != null && timestamp > to.toEpochMilli()) {
            return Position.AFTER;
        }
        return Position.IN;
    }

    public boolean bounded() {
        return from != null || to != null;
    }
}
