package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.train.EpochStats;
import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The selection policy of flow auto with a fake clock and fake trainer (the policy is not ND4J): rungs at equal
 * epochs, halving, resuming, the budget rules and the warning. Five candidates of 40 epochs give rungs at 10 and
 * 20 epochs; every fake epoch costs one second of the fake clock unless said otherwise.
 */
class SuccessiveHalvingTest {
    private static final long SECOND = 1_000_000_000L;

    /** A candidate's training: validation NLL after e epochs is {@code curve(e)}; each epoch costs fake time. */
    private static final class FakeRun implements AutoSelection.Run {
        final AtomicLong clock;
        final IntToDoubleFunction curve;
        final long epochNanos;
        final int maxEpochs;
        /** One-time cost of the run's first epoch on top of {@link #epochNanos} (JIT, graph warm-up). */
        long firstEpochExtra;
        int stopAt = Integer.MAX_VALUE;
        int divergeAt = -1;
        int epochs;
        double best = Double.POSITIVE_INFINITY;
        boolean closed;
        final List<Integer> targets = new ArrayList<>();

        FakeRun(AtomicLong clock, IntToDoubleFunction curve, long epochNanos, int maxEpochs) {
            this.clock = clock;
            this.curve = curve;
            this.epochNanos = epochNanos;
            this.maxEpochs = maxEpochs;
        }

        @Override
        public void advance(int totalEpochs, Duration limit) {
            assertTrue(!closed, "a closed run is not trained");
            targets.add(totalEpochs);
            long deadline = limit == null ? Long.MAX_VALUE : clock.get() + limit.toNanos();
            while (epochs < Math.min(totalEpochs, maxEpochs) && !finished()) {
                if (epochs == divergeAt) {
                    throw new TrainingDivergedException("diverged at " + epochs);
                }
                epochs++;
                clock.addAndGet(epochNanos + (epochs == 1 ? firstEpochExtra : 0));
                best = Math.min(best, curve.applyAsDouble(epochs));
                if (clock.get() >= deadline) {
                    break;
                }
            }
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public double bestValNll() {
            return best;
        }

        @Override
        public boolean finished() {
            return epochs >= maxEpochs || epochs >= stopAt;
        }

        @Override
        public TrainingResult finish() {
            List<EpochStats> h = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                h.add(new EpochStats(e, 0, curve.applyAsDouble(e + 1), 1, 1e-3, 0));
            }
            closed = true;
            return new TrainingResult(null, h, best, epochs - 1, 0, epochs < maxEpochs, 10, new int[0]);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Five candidates (MAF_MOG K=3, MAF, REALNVP, MAF_MOG K=8, smaller MAF_MOG) of 40 epochs, with fakes. */
    private static final class Setup {
        final AtomicLong clock = new AtomicLong(1_000);
        final FitConfig requested;
        final List<FitConfig> candidates;
        final List<FakeRun> runs = new ArrayList<>();
        final Map<String, FakeRun> byLabel = new HashMap<>();

        Setup(Duration budget, IntToDoubleFunction... curves) {
            requested = FitConfig.builder().epochs(40).autoSelect(budget).build();
            candidates = selection().candidates();
            assertEquals(5, candidates.size());
            for (int i = 0; i < curves.length; i++) {
                FakeRun r = new FakeRun(clock, curves[i], SECOND, 40);
                runs.add(r);
                byLabel.put(AutoCandidate.label(candidates.get(i)), r);
            }
        }

        AutoSelection selection() {
            return new AutoSelection(requested, requested.sizedFor(30_000, 16, 0), clock::get);
        }

        AutoSelection.Outcome run() {
            return selection().run(c -> byLabel.get(AutoCandidate.label(c)));
        }
    }

    private static IntToDoubleFunction constant(double v) {
        return e -> v;
    }

    private static IntToDoubleFunction line(double start, double slope) {
        return e -> start + slope * e;
    }

    @Test
    void rungsDoubleFromTheMaximumOverTwoToTheHalvings() {
        assertArrayEquals(new int[] {10, 20}, SuccessiveHalving.rungs(5, 40), "5 → 2 → 1: two halvings");
        assertArrayEquals(new int[] {2, 4}, SuccessiveHalving.rungs(4, 10));
        assertArrayEquals(new int[] {100}, SuccessiveHalving.rungs(3, 200), "3 → 1: one halving");
        assertArrayEquals(new int[] {1, 1}, SuccessiveHalving.rungs(5, 1), "never past the maximum");
        assertEquals(2, SuccessiveHalving.survivors(5));
        assertEquals(1, SuccessiveHalving.survivors(1));
    }

    /**
     * REALNVP learns fastest (best after 3 epochs) and MAF plateaus early; MAF_MOG K=3 is best at the rungs. Every
     * candidate is compared at 10 epochs, the two best at 20, and only the winner trains on to 40.
     */
    @Test
    void candidatesAreComparedAtEqualEpochsAndTheBetterHalfResumes() {
        Setup s = new Setup(Duration.ofHours(1), line(9, -0.2), constant(7.5), e -> e <= 3 ? 8 - 0.3 * e : 7.1,
                line(12, -0.2), constant(11));
        AutoSelection.Outcome o = s.run();

        assertEquals(List.of(1, 10, 20, 40), s.runs.get(0).targets,
                "the first epoch timed on its own, then the winner resumes rung after rung");
        assertEquals(List.of(1, 10), s.runs.get(1).targets);
        assertEquals(List.of(1, 10, 20), s.runs.get(2).targets);
        assertEquals(List.of(1, 10), s.runs.get(3).targets);
        assertEquals(List.of(1, 10), s.runs.get(4).targets);
        List<AutoCandidate> c = o.candidates();
        assertEquals(List.of(40, 10, 20, 10, 10), c.stream().map(AutoCandidate::epochs).toList());
        assertEquals(List.of(-1, 0, 1, 0, 0), c.stream().map(AutoCandidate::droppedAtRung).toList());
        assertEquals(List.of(true, false, false, false, false), c.stream().map(AutoCandidate::chosen).toList());
        assertEquals(List.of("", "dropped at rung 0 (10 epochs)", "dropped at rung 1 (20 epochs)",
                "dropped at rung 0 (10 epochs)", "dropped at rung 0 (10 epochs)"),
                c.stream().map(AutoCandidate::note).toList());
        assertEquals(1.0, c.get(0).validationNll(), 1e-12);
        assertEquals(7.1, c.get(2).validationNll(), 1e-12, "REALNVP judged at 20 epochs like the winner");
        assertSame(s.candidates.get(0).flowType(), o.config().flowType());
        assertEquals(1.0, o.trained().bestValNll(), 1e-12);
        assertEquals(90 * SECOND, s.clock.get() - 1_000, "50 + 2·10 + 20 epochs");
        assertEquals(List.of(40_000L, 10_000L, 20_000L, 10_000L, 10_000L),
                c.stream().map(AutoCandidate::millis).toList(), "each candidate's time over all its rungs");
        assertNull(o.warning());
        assertTrue(s.runs.stream().allMatch(r -> r.closed), "every run is closed");

        Setup again = new Setup(Duration.ofHours(1), line(9, -0.2), constant(7.5),
                e -> e <= 3 ? 8 - 0.3 * e : 7.1, line(12, -0.2), constant(11));
        assertEquals(AutoSelection.describe(c), AutoSelection.describe(again.run().candidates()),
                "deterministic given the clock");
    }

    /**
     * The first candidate's first epoch costs 20 s more (JVM and ND4J warm-up), every other epoch 1 s: the plan
     * (90 epochs) plus the warm-up takes 110 s and fits a 120 s budget. Estimated from all epochs (3 s per epoch
     * for the first candidate) the plan looks like 170 s: it warned and chose at rung 0; estimated from the epochs
     * after the first, it runs whole and does not warn.
     */
    @Test
    void aFirstEpochsOneTimeCostDoesNotCountAsEpochTime() {
        Setup s = new Setup(Duration.ofSeconds(120), line(9, -0.2), constant(7.5), constant(7.1), constant(10),
                constant(11));
        s.runs.get(0).firstEpochExtra = 20 * SECOND;
        AutoSelection.Outcome o = s.run();
        assertNull(o.warning(), o.warning());
        assertEquals(List.of(1, 10, 20, 40), s.runs.get(0).targets, "rung 1 ran and the winner trained on");
        assertEquals(List.of(1, 10, 20), s.runs.get(2).targets);
        assertTrue(o.candidates().get(0).chosen());
        assertEquals(40, o.candidates().get(0).epochs());
        assertEquals(110 * SECOND, s.clock.get() - 1_000);

        Setup tight = new Setup(Duration.ofSeconds(100), line(9, -0.2), constant(7.5), constant(7.1),
                constant(10), constant(11));
        tight.runs.get(0).firstEpochExtra = 20 * SECOND;
        String w = tight.run().warning();
        assertTrue(w.startsWith("flow auto: the budget PT1M40S is below the about 110 s (PT1M50S) the whole plan"),
                "the one-time cost counts once in the plan: " + w);
    }

    @Test
    void anEarlyStoppedCandidateStandsOnItsFinalNllAndTrainsNoFurther() {
        Setup s = new Setup(Duration.ofHours(1), line(9, -0.2), constant(6.5), constant(7.8), constant(10),
                constant(11));
        s.runs.get(1).stopAt = 4;
        AutoSelection.Outcome o = s.run();
        assertEquals(List.of(1, 10), s.runs.get(1).targets, "finished: not advanced in rung 1");
        assertEquals(4, o.candidates().get(1).epochs());
        assertEquals(1, o.candidates().get(1).droppedAtRung(), "it survived rung 0 and lost at rung 1");
        assertTrue(o.candidates().get(0).chosen());
    }

    @Test
    void aBudgetTooSmallForOneRungOfAllWarnsWithWhatWouldDo() {
        Setup s = new Setup(Duration.ofSeconds(15), line(9, -0.2), constant(1), constant(1), constant(1),
                constant(1));
        AutoSelection.Outcome o = s.run();
        List<AutoCandidate> c = o.candidates();
        assertTrue(c.get(0).chosen());
        assertEquals(15, c.get(0).epochs(), "rung 0, then the rest of the budget");
        assertTrue(c.subList(1, 5).stream().allMatch(a -> !a.trained() && a.note().equals("budget spent")));
        assertEquals("flow auto: the budget PT15S is too small for one rung of all 5 candidates (10 epochs each;"
                + " 4 not compared). At rung 0's measured epoch times one rung of all needs about 50 s (PT50S) and"
                + " the whole plan (5 candidates × 10 epochs, halving at [10, 20] epochs, the winner on to 40 epochs"
                + " or its early stop) about 90 s (PT1M30S): that budget would compare every candidate at equal"
                + " epochs and train the winner to its early stop", o.warning());
    }

    @Test
    void aPlanLongerThanTheBudgetStopsHalvingWhereTheBudgetEndsAndWarns() {
        Setup s = new Setup(Duration.ofSeconds(60), line(9, -0.2), constant(7.5), constant(7.1), constant(10),
                constant(11));
        AutoSelection.Outcome o = s.run();
        List<AutoCandidate> c = o.candidates();
        assertEquals(List.of(1, 10), s.runs.get(2).targets,
                "rung 1 (20 s) + the winner's 20 epochs do not fit in 10 s");
        assertEquals("dropped at rung 0 (10 epochs; no budget for rung 1 (20 epochs))", c.get(2).note());
        assertTrue(c.get(0).chosen());
        assertEquals(20, c.get(0).epochs(), "the winner trains on for the 10 s left");
        assertTrue(o.warning().startsWith("flow auto: the budget PT1M is below the about 90 s (PT1M30S) the whole"
                + " plan (5 candidates × 10 epochs, halving at [10, 20] epochs, the winner on to 40 epochs or its"
                + " early stop) needs at rung 0's measured epoch times"), o.warning());
    }

    /** A candidate the time limit stops inside rung 0 is not compared with those that ran the whole rung. */
    @Test
    void aCandidateCutShortInRungZeroIsNotComparedEvenWhenItsNllIsLower() {
        Setup s = new Setup(Duration.ofSeconds(25), constant(7), constant(3), constant(1), constant(1),
                constant(1));
        FakeRun slow = new FakeRun(s.clock, constant(3), 3 * SECOND, 40);
        s.byLabel.put(AutoCandidate.label(s.candidates.get(1)), slow);
        AutoSelection.Outcome o = s.run();
        List<AutoCandidate> c = o.candidates();
        assertEquals(5, slow.epochs, "15 s left after the first candidate: 5 of its 3-second epochs");
        assertTrue(c.get(1).trained());
        assertEquals("budget spent after 5 of 10 epochs, not compared", c.get(1).note());
        assertTrue(c.get(0).chosen(), "7.0 at 10 epochs wins over 3.0 at 5 epochs: never judged at fewer epochs");
        assertTrue(o.warning().contains("4 not compared"), o.warning());
    }

    @Test
    void divergedCandidatesAreLeftOutAndWhenAllDivergeTheFirstErrorIsThrown() {
        Setup s = new Setup(Duration.ofHours(1), constant(5), constant(6), constant(7), constant(8), constant(9));
        s.runs.get(0).divergeAt = 3;
        AutoSelection.Outcome o = s.run();
        assertEquals("diverged", o.candidates().get(0).note());
        assertTrue(!o.candidates().get(0).trained());
        assertTrue(o.candidates().get(1).chosen());
        assertTrue(s.runs.get(0).closed);

        Setup all = new Setup(Duration.ofHours(1), constant(5), constant(6), constant(7), constant(8), constant(9));
        all.runs.forEach(r -> r.divergeAt = 0);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, all::run);
        assertEquals("diverged at 0", e.getMessage());
        assertTrue(all.runs.stream().allMatch(r -> r.closed));
    }
}
