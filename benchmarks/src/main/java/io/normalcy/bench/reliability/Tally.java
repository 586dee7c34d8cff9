package io.normalcy.bench.reliability;

import io.normalcy.bench.reliability.Ledger.AlertOut;
import io.normalcy.bench.reliability.Ledger.Dest;
import io.normalcy.bench.reliability.Ledger.Input;
import io.normalcy.bench.reliability.Ledger.Output;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The accounting of one case: every input has exactly one committed output, in the right place, and the alerts are
 * exactly those the committed scores call for.
 *
 * @param in             inputs the broker acknowledged
 * @param scoredOnce     inputs with exactly one output, a score
 * @param deadLettered   inputs whose output is a dead letter, by reason
 * @param parked         inputs whose output is a parked copy
 * @param lost           inputs the detector consumed (below its committed offset) without any committed output
 * @param pending        inputs without output that the detector had not consumed yet (a stall, not a loss)
 * @param duplicated     outputs beyond the first of an input
 * @param misrouted      inputs whose (first) output is not the expected one (e.g. parked instead of scored, wrong
 *                       dead-letter reason)
 * @param unknownOutputs outputs of inputs the harness never sent, or undecodable output records
 * @param alerts         committed alerts
 * @param missingAlerts  flagged scores that should have raised an alert (cool-down applied) but did not
 * @param extraAlerts    alerts beyond those: a second alert for the same input, a repeated alert id, or an alert
 *                       the cool-down should have suppressed
 * @param kinds          per input kind: how many, how many as expected, and the outcomes
 * @param examples       a few concrete problems, for the report
 */
record Tally(long in, long scoredOnce, Map<String, Long> deadLettered, long parked, long lost, long pending,
             long duplicated, long misrouted, long unknownOutputs, long alerts, long missingAlerts, long extraAlerts,
             Map<String, KindStats> kinds, List<String> examples) {
    private static final int MAX_EXAMPLES = 8;

    /** Per input kind: count, count as expected, outcome → count ("SCORES", "DLQ:DESERIALIZATION", "lost"...). */
    record KindStats(String expected, long in, long asExpected, Map<String, Long> outcomes) {
    }

    private record Coord(int partition, long offset) {
    }

    /** Lost inputs plus missing alerts: what the "lost" column shows. */
    long lostTotal() {
        return lost + missingAlerts;
    }

    /** Duplicate outputs plus extra alerts: what the "duplicated" column shows. */
    long duplicatedTotal() {
        return duplicated + extraAlerts;
    }

    long deadLetteredTotal() {
        return deadLettered.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Nothing lost, duplicated, pending, misrouted or unexplained. */
    boolean clean() {
        return lostTotal() == 0 && duplicatedTotal() == 0 && pending == 0 && misrouted == 0 && unknownOutputs == 0;
    }

    static Tally of(List<Input> inputs, List<Output> outputs, List<AlertOut> alertList, long undecodable,
                    Map<Integer, Long> committed, long coolDownMs) {
        Map<Coord, List<Output>> byInput = new HashMap<>();
        for (Output o : outputs) {
            byInput.computeIfAbsent(new Coord(o.partition(), o.offset()), c -> new ArrayList<>()).add(o);
        }
        Counts n = new Counts();
        Set<Coord> sent = new HashSet<>();
        for (Input in : inputs) {
            Coord c = new Coord(in.partition(), in.offset());
            sent.add(c);
            n.add(in, byInput.getOrDefault(c, List.of()), committed.getOrDefault(in.partition(), 0L));
        }
        long unknown = undecodable + byInput.keySet().stream().filter(c -> !sent.contains(c))
                .mapToLong(c -> byInput.get(c).size()).sum();
        AlertCount ac = alertCount(n.firstScores, alertList, coolDownMs, n.examples);
        return new Tally(inputs.size(), n.scoredOnce, n.dlq, n.parked, n.lost, n.pending, n.duplicated, n.misrouted,
                unknown, alertList.size(), ac.missing, ac.extra, n.kinds, n.examples);
    }

    /** Running counts while the inputs are joined with their outputs. */
    private static final class Counts {
        final Map<String, Long> dlq = new TreeMap<>();
        final Map<String, KindStats> kinds = new TreeMap<>();
        final List<String> examples = new ArrayList<>();
        final List<Output> firstScores = new ArrayList<>();
        long scoredOnce;
        long parked;
        long lost;
        long pending;
        long duplicated;
        long misrouted;

        /** @param committed the detector group's committed offset of the input's partition */
        void add(Input in, List<Output> outs, long committed) {
            String outcome;
            boolean asExpected = false;
            if (outs.isEmpty()) {
                boolean consumed = committed > in.offset();
                outcome = consumed ? "lost" : "pending";
                if (consumed) {
                    lost++;
                    example(examples, in, "consumed (offset committed) but no committed output: LOST");
                } else {
                    pending++;
                }
            } else {
                Output first = outs.get(0);
                duplicated += outs.size() - 1;
                if (outs.size() > 1) {
                    example(examples, in, outs.size() + " outputs: DUPLICATED");
                }
                outcome = first.dest() == Dest.DLQ ? "DLQ:" + first.reason() : first.dest().name();
                switch (first.dest()) {
                    case SCORES -> {
                        firstScores.add(first);
                        scoredOnce += outs.size() == 1 ? 1 : 0;
                    }
                    case DLQ -> dlq.merge(first.reason(), 1L, Long::sum);
                    case PARKING -> parked++;
                }
                asExpected = in.expect().accepts(first);
                if (!asExpected) {
                    misrouted++;
                    example(examples, in, "expected " + in.expect() + ", got " + outcome);
                }
            }
            KindStats k = kinds.getOrDefault(in.kind(), new KindStats(in.expect().toString(), 0, 0, new TreeMap<>()));
            k.outcomes().merge(outcome, 1L, Long::sum);
            kinds.put(in.kind(), new KindStats(k.expected(), k.in() + 1, k.asExpected() + (asExpected ? 1 : 0),
                    k.outcomes()));
        }
    }

    private record AlertCount(long missing, long extra) {
    }

    /**
     * The alerts the committed scores call for, replaying the detector's documented cool-down per model+entity in
     * processing order (an entity's records share a partition, so offset order): an alert when there was none for
     * the entity or the last emitted one is at least {@code coolDownMs} of event time away. Compared with the
     * alerts actually committed.
     */
    private static AlertCount alertCount(List<Output> scores, List<AlertOut> alerts, long coolDownMs,
                                         List<String> examples) {
        List<Output> flagged = new ArrayList<>(scores.stream().filter(Output::flagged).toList());
        flagged.sort(Comparator.comparingInt(Output::partition).thenComparingLong(Output::offset));
        Map<String, Long> lastAlert = new HashMap<>();
        Set<Coord> expected = new HashSet<>();
        for (Output s : flagged) {
            Long last = lastAlert.get(s.entity());
            if (coolDownMs > 0 && last != null && Math.abs(s.eventTimeMs() - last) < coolDownMs) {
                continue;
            }
            lastAlert.put(s.entity(), last == null ? s.eventTimeMs() : Math.max(last, s.eventTimeMs()));
            expected.add(new Coord(s.partition(), s.offset()));
        }
        Map<Coord, Long> actual = new HashMap<>();
        Set<String> ids = new HashSet<>();
        long extra = 0;
        for (AlertOut a : alerts) {
            Coord c = new Coord(a.partition(), a.offset());
            long n = actual.merge(c, 1L, Long::sum);
            if (!ids.add(a.alertId())) {
                extra++;
                exampleText(examples, "alert id " + a.alertId() + " committed twice: DUPLICATED");
            } else if (n > 1 || !expected.contains(c)) {
                extra++;
                exampleText(examples, "alert for p" + c.partition() + "@" + c.offset()
                        + (n > 1 ? " committed again" : " that no committed score (or the cool-down) calls for"));
            }
        }
        long missing = 0;
        for (Coord c : expected) {
            if (!actual.containsKey(c)) {
                missing++;
                exampleText(examples, "flagged score p" + c.partition() + "@" + c.offset() + " has no alert: LOST");
            }
        }
        return new AlertCount(missing, extra);
    }

    private static void example(List<String> examples, Input in, String what) {
        exampleText(examples, in.kind() + " p" + in.partition() + "@" + in.offset() + ": " + what);
    }

    private static void exampleText(List<String> examples, String text) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(text);
        }
    }

    /** "DESERIALIZATION 36, MISSING_FEATURE 3" or "0". */
    String deadLetteredText() {
        if (deadLettered.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        deadLettered.forEach((r, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(r).append(' ').append(n));
        return sb.toString();
    }
}
