package io.normalcy.detector.batch;

/** What a backfill did with the records of one partition (or file, or in total). Not thread-safe. */
public final class Counts {
    long read;
    long scored;
    long alerts;
    long deadLettered;
    long outOfRange;
    long noModel;
    long skipped;

    public long read() {
        return read;
    }

    public long scored() {
        return scored;
    }

    public long alerts() {
        return alerts;
    }

    public long deadLettered() {
        return deadLettered;
    }

    public long outOfRange() {
        return outOfRange;
    }

    /** Records of a model without an accepted version: not scored, not parked (they stay where they are). */
    public long noModel() {
        return noModel;
    }

    /** Records not scored because they lacked a feature whose missing-value policy is skip (no output at all). */
    public long skipped() {
        return skipped;
    }

    void add(Counts c) {
        read += c.read;
        scored += c.scored;
        alerts += c.alerts;
        deadLettered += c.deadLettered;
        outOfRange += c.outOfRange;
        noModel += c.noModel;
        skipped += c.skipped;
    }

    @Override
    public String toString() {
        return "read=" + read + " scored=" + scored + " alerts=" + alerts + " dead-lettered=" + deadLettered
                + " out-of-range=" + outOfRange + " no-model=" + noModel + " skipped=" + skipped;
    }
}
