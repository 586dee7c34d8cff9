package io.normalcy.flow.fit;

import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of flow auto selection ({@link AutoSelection}): successive halving (Karnin et al. 2013, Jamieson &amp;
 * Talwalkar 2016) at equal epochs within a time budget.
 *
 * <p>Rungs: with n candidates and E the configured (sized) maximum epochs, there are R halvings (n → ⌊n/2⌋ → … → 1)
 * and rung r compares at {@code E0·2^r} epochs, {@code E0 = max(1, ⌊E / 2^R⌋)} ({@link #rungs}). In rung r every
 * surviving candidate trains on to exactly that many epochs, resuming its own weights, Adam state and schedule
 * ({@link AutoSelection.Run}); then the better half by validation NLL (ties: the earlier candidate) continues and
 * the rest stop. The one left trains on to its early stop or E epochs within the remaining budget. The last
 * comparison is at about E/2 epochs, and the whole plan costs about two full trainings: with 5 candidates
 * 5·E/4 + 2·E/4 + E/2 epochs. A candidate is never judged at fewer epochs than another it is compared with, except
 * one that early stopping already ended: it cannot train further, so its final NLL stands.
 *
 * <p>Budget: rung 0 starts a candidate only while the remaining budget covers its rung at the mean epoch time
 * measured so far (the first candidate always starts) and gives it the remaining budget as a time limit; one that
 * hits it before the rung's epochs is not compared (unless nothing else trained: then it is the model). A later
 * rung runs only when its epochs, at each candidate's measured epoch time, plus the rest of the winner's epochs, at
 * the slowest survivor's, fit in the remaining budget; otherwise the best at the last completed rung wins. When
 * rung 0 did not fit, or the plan as estimated from rung 0's epoch times exceeds the budget, the outcome's
 * warning ({@link AutoBudget}) says what budget would run it all. A candidate's epoch time is that of its epochs
 * after the first: its first epoch is timed on its own because it carries one-time costs (JIT, ND4J start-up, the
 * graph's first execution) that would make short budgets look too small ({@link Entry#nanosPerEpoch}). Every
 * decision reads the injected clock, so the selection is deterministic given the seed and the clock.
 *
 * <p>Why resume rather than restart: a rung's survivors keep their optimiser state, so the plan costs each epoch
 * once, and the winner's trajectory is exactly that of an uninterrupted fit. Every run stays open (native memory:
 * the flows are small, at most 6 × [128, 128]) until it is dropped.
 */
final class SuccessiveHalving {
    private static final Logger LOG = LoggerFactory.getLogger(SuccessiveHalving.class);

    private final List<Entry> entries = new ArrayList<>();
    private final int maxEpochs;
    private final Duration budgetSetting;
    private final long budget;
    private final LongSupplier clock;
    private final int[] rungs;
    private long start;
    private String warning;
    private TrainingDivergedException firstFailure;
    /** Rung-0 candidates the budget did not let compare (not started, or stopped by the time limit). */
    private int notCompared;

    /** One candidate's training and record. */
    private static final class Entry {
        final int index;
        final FitConfig config;
        AutoSelection.Run run;
        /** Wall-clock time of the candidate: building it and all its epochs. */
        long nanos;
        /** The part of {@link #nanos} spent in epochs. */
        long epochNanos;
        /** The part of {@link #epochNanos} spent in the candidate's first epoch (0 until it ran). */
        long firstEpochNanos;
        int epochs;
        double nll = Double.NaN;
        boolean started;
        boolean diverged;
        int droppedAt = -1;
        String note = "";

        Entry(int index, FitConfig config) {
            this.index = index;
            this.config = config;
        }

        /**
         * The time of one more epoch, the basis of every budget estimate: the mean of the epochs after the first
         * when there are any, else the first epoch's (NaN before any epoch). Why not the mean of all: a candidate's
         * first epoch also pays one-time costs that later epochs do not (the first candidate's JIT compilation
         * and ND4J start-up, each graph's first execution: op resolution, workspace allocation), seconds on a
         * small table, which made rung 0's estimate several times the real epoch time and warned, or skipped
         * rungs, for budgets that would have run the plan.
         */
        double nanosPerEpoch() {
            if (epochs == 0) {
                return Double.NaN;
            }
            return epochs == 1 ? epochNanos : (double) (epochNanos - firstEpochNanos) / (epochs - 1);
        }

        boolean finished() {
            return run == null || run.finished();
        }
    }

    SuccessiveHalving(List<FitConfig> candidates, Duration budget, LongSupplier clock) {
        for (FitConfig c : candidates) {
            entries.add(new Entry(entries.size(), c));
        }
        this.maxEpochs = candidates.get(0).epochs();
        this.budgetSetting = budget;
        this.budget = saturatedNanos(budget);
        this.clock = clock;
        this.rungs = rungs(candidates.size(), maxEpochs);
    }

    /** The cumulative epochs of each rung for {@code candidates} candidates of at most {@code maxEpochs}. */
    static int[] rungs(int candidates, int maxEpochs) {
        int halvings = 0;
        for (int n = candidates; n > 1; n = survivors(n)) {
            halvings++;
        }
        halvings = Math.max(1, halvings);
        int first = Math.max(1, maxEpochs >> Math.min(30, halvings));
        int[] out = new int[halvings];
        for (int r = 0; r < halvings; r++) {
            out[r] = (int) Math.min(maxEpochs, (long) first << Math.min(30, r));
        }
        return out;
    }

    /** How many of {@code n} compared candidates continue: the better half, at least one. */
    static int survivors(int n) {
        return Math.max(1, n / 2);
    }

    /**
     * Runs the rungs and returns the winner; every run is closed on return.
     *
     * @throws TrainingDivergedException when no candidate is left that did not diverge, or the winner diverged
     */
    AutoSelection.Outcome run(AutoSelection.Trainer trainer) {
        start = clock.getAsLong();
        try {
            List<Entry> alive = firstRung(trainer);
            warning = budgetWarning();
            for (int r = 0; alive.size() > 1; r++) {
                alive = halve(alive, r);
                if (alive.size() > 1 && !affordable(alive, r + 1)) {
                    alive = stopAt(alive, r);
                } else if (alive.size() > 1) {
                    alive = train(alive, r + 1);
                }
            }
            if (alive.isEmpty()) {
                throw firstFailure;
            }
            return finish(alive.get(0));
        } finally {
            for (Entry e : entries) {
                close(e);
            }
        }
    }

    /** Rung 0 in candidate order; returns the candidates compared at its epochs. */
    private List<Entry> firstRung(AutoSelection.Trainer trainer) {
        List<Entry> complete = new ArrayList<>();
        Entry cut = null;
        for (Entry e : entries) {
            boolean anyTrained = !complete.isEmpty() || cut != null;
            if (anyTrained && !affordableFirst()) {
                e.note = "budget spent";
                notCompared++;
                continue;
            }
            long t0 = clock.getAsLong();
            e.run = trainer.start(e.config);
            e.started = true;
            e.nanos += clock.getAsLong() - t0;
            if (!firstEpochs(e)) {
                continue;
            }
            if (e.epochs >= rungs[0] || e.finished()) {
                complete.add(e);
            } else if (cut == null) {
                cut = e;
            } else {
                drop(e, 0, notCompared(e));
            }
        }
        if (complete.isEmpty()) {
            return cut == null ? new ArrayList<>() : new ArrayList<>(List.of(cut));
        }
        if (cut != null) {
            drop(cut, 0, notCompared(cut));
        }
        return complete;
    }

    /**
     * Rung 0 of {@code e} within the remaining budget, its first epoch timed on its own ({@link Entry#nanosPerEpoch}
     * says why); false when it diverged. Splitting the call changes nothing in the training: a resumed run follows
     * the trajectory of an uninterrupted one.
     */
    private boolean firstEpochs(Entry e) {
        long before = e.epochNanos;
        if (!advance(e, 1, Duration.ofNanos(Math.max(0, remaining())), 0)) {
            return false;
        }
        e.firstEpochNanos = e.epochNanos - before;
        if (rungs[0] > 1 && !e.finished() && remaining() > 0) {
            return advance(e, rungs[0], Duration.ofNanos(remaining()), 0);
        }
        return true;
    }

    private String notCompared(Entry e) {
        notCompared++;
        return "budget spent after " + e.epochs + " of " + rungs[0] + " epochs, not compared";
    }

    /**
     * Whether the remaining budget covers one more rung-0 candidate at the mean epoch time so far (of the
     * candidates that ran, each by {@link Entry#nanosPerEpoch}).
     */
    private boolean affordableFirst() {
        double sum = 0;
        int measured = 0;
        for (Entry e : entries) {
            double t = e.nanosPerEpoch();
            if (!Double.isNaN(t)) {
                sum += t;
                measured++;
            }
        }
        double need = measured == 0 ? 0 : sum / measured * rungs[0];
        return remaining() > 0 && need <= remaining();
    }

    /** Sorts {@code alive} by validation NLL, keeps the better half and stops the rest at rung {@code r}. */
    private List<Entry> halve(List<Entry> alive, int r) {
        List<Entry> sorted = new ArrayList<>(alive);
        sorted.sort(Comparator.comparingDouble((Entry e) -> e.nll).thenComparingInt(e -> e.index));
        int keep = survivors(sorted.size());
        for (Entry e : sorted.subList(keep, sorted.size())) {
            drop(e, r, "dropped at rung " + r + " (" + rungs[Math.min(r, rungs.length - 1)] + " epochs)");
        }
        LOG.info("auto selection: rung {} at {} epochs: {}; continuing: {}", r, rungs[Math.min(r, rungs.length - 1)],
                nlls(sorted), labels(sorted.subList(0, keep)));
        return new ArrayList<>(sorted.subList(0, keep));
    }

    /**
     * Whether rung {@code r} fits: its epochs at each survivor's measured epoch time, plus the winner's remaining
     * epochs at the slowest survivor's, within the remaining budget. False past the last rung.
     */
    private boolean affordable(List<Entry> alive, int r) {
        if (r >= rungs.length) {
            return false;
        }
        double need = 0;
        double slowest = 0;
        for (Entry e : alive) {
            double perEpoch = e.nanosPerEpoch();
            slowest = Math.max(slowest, perEpoch);
            need += e.finished() ? 0 : Math.max(0, rungs[r] - e.epochs) * perEpoch;
        }
        need += Math.max(0, maxEpochs - rungs[r]) * slowest;
        return need <= remaining();
    }

    /** No room for the next rung: the best at rung {@code r} (alive is sorted) wins, the rest stop there. */
    private List<Entry> stopAt(List<Entry> alive, int r) {
        String why = "no budget for rung " + (r + 1) + " (" + (r + 1 < rungs.length ? rungs[r + 1] : maxEpochs)
                + " epochs)";
        for (Entry e : alive.subList(1, alive.size())) {
            drop(e, r, "dropped at rung " + r + " (" + rungs[r] + " epochs; " + why + ")");
        }
        if (warning == null) {
            warning = "flow auto: the budget " + budgetSetting + " had no room for rung " + (r + 1) + " and the"
                    + " winner's remaining epochs: " + AutoCandidate.label(alive.get(0).config) + " was chosen at "
                    + rungs[r] + " epochs among " + alive.size() + " candidates";
        }
        LOG.info("auto selection: {}; {} wins at rung {}", why, AutoCandidate.label(alive.get(0).config), r);
        return new ArrayList<>(alive.subList(0, 1));
    }

    /** Rung {@code r}: every survivor that can still train trains on to its epochs; returns those not diverged. */
    private List<Entry> train(List<Entry> alive, int r) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : alive) {
            if (e.finished() || advance(e, rungs[r], null, r)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The winner trains on within the remaining budget; builds the outcome. */
    private AutoSelection.Outcome finish(Entry winner) {
        long left = remaining();
        if (!winner.finished() && left > 0) {
            long t0 = clock.getAsLong();
            winner.run.advance(maxEpochs, Duration.ofNanos(left));
            long dt = clock.getAsLong() - t0;
            winner.nanos += dt;
            winner.epochNanos += dt;
        }
        TrainingResult result = winner.run.finish();
        winner.run = null;
        winner.nll = result.bestValNll();
        winner.epochs = result.history().size();
        List<AutoCandidate> records = new ArrayList<>();
        for (Entry e : entries) {
            AutoCandidate c = !e.started || e.diverged ? AutoCandidate.skipped(e.config, e.note)
                    : AutoCandidate.trained(e.config, e.nll, e.epochs, e.nanos / 1_000_000, e.droppedAt, e.note);
            records.add(e == winner ? c.asChosen() : c);
        }
        if (warning != null) {
            LOG.warn("{}", warning);
        }
        LOG.info("auto selection: chose {} of {}", AutoCandidate.label(winner.config),
                AutoSelection.describe(records));
        return new AutoSelection.Outcome(winner.config, result, records, warning);
    }

    /**
     * Trains {@code e} to {@code epochs} in total (limit null = none), adding the time; false when it diverged
     * (then it is closed and recorded as not trained).
     */
    private boolean advance(Entry e, int epochs, Duration limit, int rung) {
        long t0 = clock.getAsLong();
        try {
            e.run.advance(epochs, limit);
            e.epochs = e.run.epochs();
            e.nll = e.run.bestValNll();
            return true;
        } catch (TrainingDivergedException x) {
            LOG.warn("auto selection: candidate {} diverged in rung {}: {}", AutoCandidate.label(e.config), rung,
                    x.getMessage());
            firstFailure = firstFailure == null ? x : firstFailure;
            close(e);
            e.diverged = true;
            e.note = rung == 0 ? "diverged" : "diverged in rung " + rung;
            return false;
        } finally {
            long dt = clock.getAsLong() - t0;
            e.nanos += dt;
            e.epochNanos += dt;
        }
    }

    private void drop(Entry e, int rung, String note) {
        e.droppedAt = rung;
        e.note = note;
        close(e);
    }

    private static void close(Entry e) {
        if (e.run != null) {
            AutoSelection.Run r = e.run;
            e.run = null;
            r.close();
        }
    }

    private long remaining() {
        return budget - (clock.getAsLong() - start);
    }

    private String budgetWarning() {
        return new AutoBudget(budgetSetting, rungs, maxEpochs).warning(measured(), notCompared, oneTimeNanos());
    }

    /** Time the candidates that ran spent beyond their epochs at {@link Entry#nanosPerEpoch}: build and warm-up. */
    private double oneTimeNanos() {
        double total = 0;
        for (Entry e : entries) {
            if (e.epochs > 0) {
                total += Math.max(0, e.nanos - e.epochs * e.nanosPerEpoch());
            }
        }
        return total;
    }

    /** Measured nanoseconds per epoch of the candidates that ran (NaN for the others), in candidate order. */
    private double[] measured() {
        double[] out = new double[entries.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = entries.get(i).nanosPerEpoch();
        }
        return out;
    }

    private static String nlls(List<Entry> sorted) {
        List<String> out = new ArrayList<>();
        for (Entry e : sorted) {
            out.add(AutoCandidate.label(e.config) + " " + String.format(java.util.Locale.ROOT, "%.4f", e.nll));
        }
        return String.join(", ", out);
    }

    private static String labels(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(AutoCandidate.label(e.config)));
        return String.join(", ", out);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
