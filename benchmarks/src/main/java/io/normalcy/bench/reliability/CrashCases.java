package io.normalcy.bench.reliability;

import io.normalcy.avro.ModelVersion;
import io.normalcy.bench.reliability.Ledger.Dest;
import io.normalcy.bench.reliability.Ledger.Output;
import io.normalcy.flow.state.ModelStateMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cases that stop a process for real while traffic flows: detector SIGKILL (twice), SIGKILL with the cool-down
 * on, SIGTERM, failover between two instances, broker SIGKILL. Each keeps a paced producer running through the
 * event and until the recovery has been observed, then drains and accounts for every input.
 *
 * <p>Times are wall clock on one machine: from the kill (the harness's clock just before the signal) to the moment
 * the harness's {@code read_committed} reader sees the first score the detector processed after the kill, i.e. what
 * a downstream consumer experiences. They include the new JVM's start-up where a process is restarted.
 */
final class CrashCases {
    private static final Duration FIRST_SCORE_TIMEOUT = Duration.ofSeconds(120);

    private CrashCases() {
    }

    /** (1) SIGKILL the detector twice mid-stream; a supervisor restarts it at once on the same state directory. */
    static CaseResult kill(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        List<Double> resumes = killTwiceMidStream(ctx, ctx.traffic);
        Tally t = ctx.drain();
        return ctx.result(t, "resume " + seconds(resumes) + " (SIGKILL → first new score)", "-");
    }

    /**
     * Streams {@code traffic}; at 1/3 and 2/3 of it SIGKILLs detector "a" and restarts it at once with its
     * remembered configuration on the same state directory. Returns the seconds from each kill to the first new score.
     */
    private static List<Double> killTwiceMidStream(CaseContext ctx, Traffic traffic) throws Exception {
        List<Double> resumes = new ArrayList<>();
        try (Traffic.Run run = open(ctx, traffic)) {
            requireFirstScore(ctx);
            for (int k = 0; k < 2; k++) {
                pause(ctx.options.trafficTime.dividedBy(3));
                long killAt = ctx.kill("a");
                ctx.startDetector("a", Map.of());
                resumes.add(measured(ctx, "resume after kill " + (k + 1), killAt,
                        ctx.awaitFirstScore(killAt, null, ctx.options.drainTimeout)));
            }
            pause(ctx.options.trafficTime.dividedBy(3));
        }
        return resumes;
    }

    /**
     * (1b) The kill case with a derived-feature model (issue 12): 40 entities (an entity's events 400 ms apart in
     * event time, every 9th 1.5 s late), a model deriving lag, diff, event- and time-window statistics, count and
     * since_previous from each entity's history (the detector's changelogged history store). SIGKILL twice, restart
     * on the same state directory; then every committed score must equal, value for value, the score of the
     * uninterrupted derivation of the same input ({@link DerivedParity}): the histories, like the outputs, must
     * come back exactly as committed.
     */
    static CaseResult killDerived(CaseContext ctx) throws Exception {
        ModelVersion mv = ctx.cluster.models.signedDerived(CaseContext.MODEL, 1);
        ctx.publishModel(mv);
        DerivedParity parity = new DerivedParity();
        ctx.collector.onScore(parity::observe);
        // the comparison is exact: every term on every score, and the scalar kernel the reference scores with
        ctx.startDetector("a", Map.of("normalcy.detector.output.contributions", "all",
                "normalcy.detector.scoring-kernel", "scalar"));
        List<Double> resumes = killTwiceMidStream(ctx, ctx.traffic.withEntities(40).withLateEvents(1_500));
        Tally t = ctx.drain();
        DerivedParity.Result r = DerivedParity.compare(ModelStateMapper.fromState(mv),
                DerivedParity.readInputs(ctx.cluster.bootstrap(), ctx.cluster.admin, ctx.topics.features(),
                        Duration.ofSeconds(120)), parity.observed());
        ctx.notes.add(r.describe());
        if (!r.clean()) {
            ctx.failures.add("DERIVED FEATURES differ from the uninterrupted run: " + r.describe());
        }
        return ctx.result(t, String.format(Locale.ROOT, "resume %s (SIGKILL → first new score); derived features "
                + "of %,d scores: %,d mismatched", seconds(resumes), r.compared(), r.mismatched()), "-");
    }

    /**
     * (2) SIGKILL with the cool-down on: few entities, many anomalies, a 5 s cool-down, so alerts are suppressed all
     * the time; after the crash the cool-down state must come back from its changelog (no alert the cool-down
     * suppresses may appear, none it allows may be missing).
     */
    static CaseResult coolDown(CaseContext ctx) throws Exception {
        ctx.coolDownMs = 5_000;
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of("normalcy.detector.cool-down", "5s"));
        double resume;
        Traffic busy = ctx.traffic.withEntities(50).withAnomalyRate(0.2);
        try (Traffic.Run run = open(ctx, busy)) {
            requireFirstScore(ctx);
            pause(ctx.options.trafficTime.dividedBy(2));
            long killAt = ctx.kill("a");
            ctx.startDetector("a", Map.of());
            resume = measured(ctx, "resume", killAt, ctx.awaitFirstScore(killAt, null, ctx.options.drainTimeout));
            pause(ctx.options.trafficTime.dividedBy(2));
        }
        Tally t = ctx.drain();
        long flagged = ctx.ledger.count(o -> o.dest() == Dest.SCORES && o.flagged());
        ctx.notes.add(String.format("%d flagged scores, %d alerts: %d suppressed by the 5 s cool-down", flagged,
                t.alerts(), flagged - t.alerts()));
        return ctx.result(t, "resume " + seconds(List.of(resume)), "-");
    }

    /**
     * (5) SIGTERM: the detector's own shutdown, then a restart; time to exit, and time from the SIGTERM to the first
     * score the new instance committed (processed after the old one exited).
     */
    static CaseResult sigterm(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        double resume;
        long exitMs;
        try (Traffic.Run run = open(ctx, ctx.traffic)) {
            requireFirstScore(ctx);
            pause(ctx.options.trafficTime.dividedBy(2));
            long termAt = System.currentTimeMillis();
            exitMs = ctx.terminate("a");
            long exitedAt = System.currentTimeMillis();
            if (exitMs < 0) {
                ctx.failures.add("detector did not exit within 60 s of SIGTERM (killed)");
            }
            ctx.startDetector("a", Map.of());
            // scores the old instance committed while shutting down are not a resume: count from its exit
            resume = measured(ctx, "resume", termAt, ctx.awaitFirstScore(exitedAt, null, ctx.options.drainTimeout));
            pause(ctx.options.trafficTime.dividedBy(2));
        }
        Tally t = ctx.drain();
        return ctx.result(t, String.format(Locale.ROOT, "exit %.1f s, resume %s (SIGTERM → first new score)",
                exitMs / 1000.0, seconds(List.of(resume))), "-");
    }

    /**
     * (4) Two instances share the input partitions; one is SIGKILLed and not restarted. Hand-over time = kill →
     * first committed score, processed after the kill, from a partition the dead instance owned. Also the longest
     * gap in the survivor's own partitions' scores in that window (cooperative rebalancing should keep it short).
     */
    static CaseResult failover(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        ctx.startDetector("b", Map.of());
        double handOver;
        String survivorGap;
        try (Traffic.Run run = open(ctx, ctx.traffic)) {
            requireFirstScore(ctx);
            awaitBothAssigned(ctx);
            pause(ctx.options.trafficTime.dividedBy(2));
            Set<Integer> deadOwned = ctx.partitionsOf("a");
            Set<Integer> survivorOwned = ctx.partitionsOf("b");
            ctx.notes.add("before the kill: a owned input partitions " + deadOwned + ", b owned " + survivorOwned);
            long killAt = ctx.kill("a");
            long seen = deadOwned.isEmpty() ? -1 : ctx.awaitFirstScore(killAt, deadOwned, ctx.options.drainTimeout);
            handOver = since(killAt, seen);
            if (deadOwned.isEmpty()) {
                ctx.failures.add("instance a owned no partition when it was killed: no hand-over to measure");
            } else if (seen < 0) {
                ctx.failures.add("no score from a's partitions " + deadOwned + " within "
                        + ctx.options.drainTimeout.toSeconds() + " s of the kill");
            }
            pause(Duration.ofSeconds(5));
            survivorGap = longestGap(ctx, survivorOwned, killAt, seen < 0 ? System.currentTimeMillis() : seen + 5000);
        }
        Tally t = ctx.drain();
        return ctx.result(t, "hand-over " + seconds(List.of(handOver)) + " (SIGKILL of 1 of 2 → survivor scores "
                + "its partitions); survivor's own partitions: longest gap " + survivorGap, "-");
    }

    /**
     * (3) SIGKILL the broker mid-stream, keep it down 5 s, restart it on the same log directory and ports. The
     * producer and the detector must ride it out; recovery = kill → first committed score processed after it.
     */
    static CaseResult broker(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        double recovery;
        long restartMs;
        try (Traffic.Run run = open(ctx, ctx.traffic)) {
            requireFirstScore(ctx);
            pause(ctx.options.trafficTime.dividedBy(2));
            long killAt = ctx.cluster.broker.kill();
            pause(Duration.ofSeconds(5));
            restartMs = ctx.cluster.broker.start();
            recovery = measured(ctx, "recovery", killAt, ctx.awaitFirstScore(killAt, null, ctx.options.drainTimeout));
            pause(ctx.options.trafficTime.dividedBy(2));
        }
        Tally t = ctx.drain();
        return ctx.result(t, String.format(Locale.ROOT, "recovery %s (broker SIGKILL, down 5 s, restart took %.1f s "
                + "→ first new score)", seconds(List.of(recovery)), restartMs / 1000.0), "-");
    }

    private static Traffic.Run open(CaseContext ctx, Traffic traffic) {
        // "open": far longer than any case; the case stops it (close) once its recovery has been observed
        return traffic.new Run(ctx.sender, ctx.options.rate, Duration.ofHours(1), 0, ctx.options.seed).start();
    }

    private static void requireFirstScore(CaseContext ctx) throws Exception {
        if (!ctx.awaitScores(1, FIRST_SCORE_TIMEOUT)) {
            throw new IllegalStateException("no score within " + FIRST_SCORE_TIMEOUT.toSeconds()
                    + " s of the start (is the model loaded? see the detector log)");
        }
    }

    private static void awaitBothAssigned(CaseContext ctx) throws Exception {
        long deadline = System.nanoTime() + FIRST_SCORE_TIMEOUT.toNanos();
        while (ctx.partitionsOf("a").isEmpty() || ctx.partitionsOf("b").isEmpty()) {
            if (System.nanoTime() > deadline) {
                ctx.notes.add("the two instances did not both own partitions within "
                        + FIRST_SCORE_TIMEOUT.toSeconds() + " s");
                return;
            }
            Thread.sleep(500);
        }
    }

    /** Longest interval without a visible score from {@code partitions} between {@code from} and {@code to}. */
    private static String longestGap(CaseContext ctx, Set<Integer> partitions, long from, long to) {
        if (partitions.isEmpty()) {
            return "-";
        }
        List<Long> seen = ctx.ledger.outputs(o -> o.dest() == Dest.SCORES && partitions.contains(o.partition())
                && o.seenAtMs() >= from && o.seenAtMs() <= to).stream().map(Output::seenAtMs).sorted().toList();
        long gap = 0;
        long prev = from;
        for (long s : seen) {
            gap = Math.max(gap, s - prev);
            prev = s;
        }
        gap = Math.max(gap, to - prev);
        return String.format(Locale.ROOT, "%.1f s", gap / 1000.0);
    }

    /** Chaos scheduling (how long traffic flows between events), not synchronisation. */
    static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    /** {@link #since}, booking a failure when no new score came. */
    private static double measured(CaseContext ctx, String what, long at, long seen) {
        if (seen < 0) {
            ctx.failures.add(what + ": no new score within " + ctx.options.drainTimeout.toSeconds() + " s");
        }
        return since(at, seen);
    }

    /** Seconds from {@code at} to {@code seen}, NaN when never seen. */
    static double since(long at, long seen) {
        return seen < 0 ? Double.NaN : (seen - at) / 1000.0;
    }

    /** "41.2 s, 40.9 s" ("never" for NaN). */
    static String seconds(List<Double> values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(Double.isNaN(v) ? "never" : String.format(Locale.ROOT, "%.1f s", v));
        }
        return String.join(", ", parts);
    }
}
