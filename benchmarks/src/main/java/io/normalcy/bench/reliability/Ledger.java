package io.normalcy.bench.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one case sent and what came out of the detector, joined by the input record's coordinates.
 *
 * <p>Why coordinates (partition + offset of the input) rather than an id in the payload: every detector output
 * carries them (a score's and an alert's {@code sourcePartition/sourceOffset}, a dead letter's
 * {@code partition/offset}, a parked record's {@code normalcy.parking.source} header), including the outputs of
 * malformed inputs that have no readable id, and the producer learns them from the broker's acknowledgement. So the
 * same join works for good and bad inputs, and an output the harness never sent shows up as "unknown".
 *
 * <p>Thread-safe: the producer's callbacks and the output reader add concurrently; {@link #tally} reads a snapshot.
 */
final class Ledger {
    /** Where an input's single output went. */
    enum Dest { SCORES, DLQ, PARKING }

    /**
     * What an input should produce.
     *
     * @param reasons acceptable dead-letter reasons; empty = any (only for {@link Dest#DLQ})
     */
    record Expectation(Dest dest, Set<String> reasons) {
        static final Expectation SCORE = new Expectation(Dest.SCORES, Set.of());
        static final Expectation PARK = new Expectation(Dest.PARKING, Set.of());

        static Expectation deadLetter(String... reasons) {
            return new Expectation(Dest.DLQ, Set.of(reasons));
        }

        boolean accepts(Output o) {
            return o.dest() == dest && (dest != Dest.DLQ || reasons.isEmpty() || reasons.contains(o.reason()));
        }

        @Override
        public String toString() {
            return dest == Dest.DLQ ? "DLQ" + (reasons.isEmpty() ? "(any)" : reasons.toString()) : dest.name();
        }
    }

    /**
     * One record the harness produced, as acknowledged by the broker.
     *
     * @param kind     "good" or the malformed kind, for the per-kind breakdown
     * @param sentAtMs wall-clock time just before the send
     */
    record Input(String kind, int partition, long offset, long sentAtMs, Expectation expect) {
    }

    /**
     * One committed detector output.
     *
     * @param partition     the input's partition as the output names it (-1 when it names none)
     * @param offset        the input's offset (-1 when unknown)
     * @param reason        dead-letter reason, parking reason or score severity
     * @param modelVersion  version that scored it (scores only, else -1)
     * @param processedAtMs the detector's wall clock when it processed the input (scoredAt/failedAt; -1 unknown)
     * @param seenAtMs      when the harness's read_committed reader received it
     * @param entity        scores only: the entity (cool-down bookkeeping)
     * @param eventTimeMs   scores only: the event time
     * @param flagged       scores only: severity above NORMAL
     */
    record Output(Dest dest, int partition, long offset, String reason, long modelVersion, long processedAtMs,
                  long seenAtMs, String entity, long eventTimeMs, boolean flagged) {
        static Output score(int partition, long offset, String severity, long version, long scoredAt, long seenAt,
                            String entity, long eventTime) {
            return new Output(Dest.SCORES, partition, offset, severity, version, scoredAt, seenAt, entity, eventTime,
                    !"NORMAL".equals(severity));
        }

        static Output deadLetter(int partition, long offset, String reason, long failedAt, long seenAt) {
            return new Output(Dest.DLQ, partition, offset, reason, -1, failedAt, seenAt, null, -1, false);
        }

        static Output parked(int partition, long offset, String reason, long seenAt) {
            return new Output(Dest.PARKING, partition, offset, reason, -1, -1, seenAt, null, -1, false);
        }
    }

    /** One committed alert: its id and the coordinates of the input it is about. */
    record AlertOut(String alertId, int partition, long offset, long seenAtMs) {
    }

    private final List<Input> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final List<AlertOut> alerts = new ArrayList<>();
    private long undecodableOutputs;

    synchronized void sent(Input in) {
        inputs.add(in);
    }

    synchronized void observed(Output out) {
        outputs.add(out);
    }

    synchronized void alert(AlertOut a) {
        alerts.add(a);
    }

    /** An output record the reader could not decode (counted, reported as unknown). */
    synchronized void undecodable() {
        undecodableOutputs++;
    }

    synchronized int inputCount() {
        return inputs.size();
    }

    synchronized long count(Predicate<Output> p) {
        return outputs.stream().filter(p).count();
    }

    /** Earliest {@code seenAtMs} of an output matching {@code p}, or -1. */
    synchronized long firstSeen(Predicate<Output> p) {
        return outputs.stream().filter(p).mapToLong(Output::seenAtMs).min().orElse(-1);
    }

    synchronized List<Output> outputs(Predicate<Output> p) {
        return outputs.stream().filter(p).toList();
    }

    synchronized List<Input> inputs(Predicate<Input> p) {
        return inputs.stream().filter(p).toList();
    }

    /** Inputs without any output yet. */
    synchronized long unanswered() {
        java.util.Set<Long> answered = new java.util.HashSet<>();
        outputs.forEach(o -> answered.add(coord(o.partition(), o.offset())));
        return inputs.stream().filter(in -> !answered.contains(coord(in.partition(), in.offset()))).count();
    }

    /** The outputs of the inputs of one kind. */
    synchronized List<Output> outputsOfKind(String kind) {
        java.util.Set<Long> coords = new java.util.HashSet<>();
        inputs.stream().filter(in -> in.kind().equals(kind)).forEach(in -> coords.add(coord(in.partition(),
                in.offset())));
        return outputs.stream().filter(o -> coords.contains(coord(o.partition(), o.offset()))).toList();
    }

    synchronized long inputsOfKind(String kind) {
        return inputs.stream().filter(in -> in.kind().equals(kind)).count();
    }

    /**
     * Producer → visible-score latencies of the inputs {@code which} selects, sorted (ms), and how many of them have
     * no score.
     */
    record Latencies(long[] sorted, long unscored) {
        long quantile(double q) {
            return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1,
                    Math.max(0, (int) Math.ceil(sorted.length * q) - 1))];
        }

        String summary() {
            return String.format(java.util.Locale.ROOT, "latency p50 %d ms, p99 %d ms, max %d ms over %d scored "
                    + "records%s", quantile(0.5), quantile(0.99), quantile(1.0), sorted.length,
                    unscored > 0 ? ", " + unscored + " not scored" : "");
        }
    }

    synchronized Latencies latencies(Predicate<Input> which) {
        java.util.Map<Long, Long> seen = new java.util.HashMap<>();
        outputs.stream().filter(o -> o.dest() == Dest.SCORES)
                .forEach(o -> seen.merge(coord(o.partition(), o.offset()), o.seenAtMs(), Math::min));
        List<Long> l = new ArrayList<>();
        long unscored = 0;
        for (Input in : inputs) {
            if (which.test(in)) {
                Long s = seen.get(coord(in.partition(), in.offset()));
                if (s == null) {
                    unscored++;
                } else {
                    l.add(s - in.sentAtMs());
                }
            }
        }
        return new Latencies(l.stream().mapToLong(Long::longValue).sorted().toArray(), unscored);
    }

    /** One long for a (partition, offset) pair: offsets stay far below 2^40 in any case. */
    static long coord(int partition, long offset) {
        return ((long) partition << 40) | offset;
    }

    /** Latest {@code seenAtMs} of any output or alert (stall detection), or -1. */
    synchronized long lastSeen() {
        long a = outputs.stream().mapToLong(Output::seenAtMs).max().orElse(-1);
        long b = alerts.stream().mapToLong(AlertOut::seenAtMs).max().orElse(-1);
        return Math.max(a, b);
    }

    /**
     * The accounting of everything recorded so far.
     *
     * @param committed the detector group's committed offset per input partition: an input below it was consumed,
     *                  so no output means lost; at or above it, the input is still pending (a stall, not a loss)
     * @param coolDownMs the detector's cool-down (0 = off), to know which flagged scores must raise an alert
     */
    Tally tally(java.util.Map<Integer, Long> committed, long coolDownMs) {
        List<Input> in;
        List<Output> out;
        List<AlertOut> al;
        long undecodable;
        synchronized (this) {
            in = List.copyOf(inputs);
            out = List.copyOf(outputs);
            al = List.copyOf(alerts);
            undecodable = undecodableOutputs;
        }
        return Tally.of(in, out, al, undecodable, committed, coolDownMs);
    }
}
