package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingResult;
import io.normalcy.flow.train.TrainingSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Flow auto selection ({@link FitConfig.Builder#autoSelect}): trains the candidate families and sizes on the same
 * training/validation split and keeps the one with the lowest validation NLL. Which family fits best depends on the
 * data (MAF_MOG for multi-modal or skewed conditionals, REALNVP with LU mixing where the natural feature order is a
 * poor autoregressive order, plain MAF where a Gaussian base suffices and fewer weights generalise better), and the
 * validation NLL measures exactly that on rows none of them trained on. All candidates share the preprocessing, so
 * their flow-space NLLs differ from original units by the same constant and compare directly.
 *
 * <p>The policy is successive halving at equal epochs within the budget ({@link SuccessiveHalving}): every candidate
 * trains the same number of epochs, the better half continues from where it stopped, until one remains, which
 * trains on to its early stop. Comparing at equal epochs matters because families learn at different speeds: a
 * candidate that had more epochs, or the one that learns fastest in its first few, is not the one that is best when
 * trained to convergence.
 */
final class AutoSelection {
    /**
     * Mixture components K of the second MAF_MOG candidate when the user did not fix K: more modes per conditional
     * than the default {@value io.normalcy.flow.model.FlowSpec#DEFAULT_COMPONENTS}, at ~0.7 µs per record and
     * component of scoring (MAF itself covers the other end, one Gaussian).
     */
    static final int ALTERNATIVE_COMPONENTS = 8;

    /** Starts one candidate's training (no epoch run yet). */
    @FunctionalInterface
    interface Trainer {
        Run start(FitConfig candidate);
    }

    /**
     * One candidate's training, paused between rungs: {@link TrainingSession} in production ({@link #of}), a fake
     * in tests of the policy.
     */
    interface Run extends AutoCloseable {
        /**
         * Trains on until {@code totalEpochs} epochs have run in all calls together, early stopping, or the end of
         * the first epoch past {@code limit} (null = none).
         *
         * @throws TrainingDivergedException when training diverged for good
         */
        void advance(int totalEpochs, Duration limit);

        int epochs();

        /** Lowest validation NLL so far. */
        double bestValNll();

        /** Whether more epochs would change nothing (early-stopped or every planned epoch ran). */
        boolean finished();

        /** The best weights and the history; ends the run. */
        TrainingResult finish();

        @Override
        void close();

        /** A real training session as a run. */
        static Run of(TrainingSession session) {
            return new Run() {
                @Override
                public void advance(int totalEpochs, Duration limit) {
                    session.advance(totalEpochs, limit);
                }

                @Override
                public int epochs() {
                    return session.epochs();
                }

                @Override
                public double bestValNll() {
                    return session.bestValNll();
                }

                @Override
                public boolean finished() {
                    return session.finished();
                }

                @Override
                public TrainingResult finish() {
                    return session.finish();
                }

                @Override
                public void close() {
                    session.close();
                }
            };
        }
    }

    /**
     * The chosen candidate's configuration and training result, the record of every candidate, and a warning when
     * the budget was too small for the plan (null otherwise).
     */
    record Outcome(FitConfig config, TrainingResult trained, List<AutoCandidate> candidates, String warning) {
    }

    private final FitConfig requested;
    private final FitConfig sized;
    private final LongSupplier clock;

    /**
     * @param requested the configuration as given (to know which sizes and K the user fixed)
     * @param sized     {@code requested.sizedFor(...)} for this data
     * @param clock     nanosecond clock ({@code System::nanoTime})
     */
    AutoSelection(FitConfig requested, FitConfig sized, LongSupplier clock) {
        this.requested = requested;
        this.sized = sized;
        this.clock = clock;
    }

    /**
     * The candidates: MAF_MOG, MAF and REALNVP at the sized capacity; MAF_MOG with {@link #ALTERNATIVE_COMPONENTS}
     * components unless the user fixed K; MAF_MOG one {@link SizeRule#LADDER} step smaller unless the user fixed
     * blocks or hidden widths or the sized step is the smallest. MAF_MOG at the sized capacity comes first because
     * it is the default, so a budget that allows one candidate gives the default model.
     */
    List<FitConfig> candidates() {
        List<FitConfig> out = new ArrayList<>();
        for (FlowType t : List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP)) {
            out.add(sized.toBuilder().flowType(t).autoSelect(null).build());
        }
        if (!requested.componentsSet() && sized.components() != ALTERNATIVE_COMPONENTS) {
            out.add(sized.toBuilder().flowType(FlowType.MAF_MOG).components(ALTERNATIVE_COMPONENTS).autoSelect(null)
                    .build());
        }
        boolean sizeFree = requested.sizeToData() && !requested.explicitSizes().contains(FitConfig.Sized.BLOCKS)
                && !requested.explicitSizes().contains(FitConfig.Sized.HIDDEN);
        int step = ladderStep(sized);
        if (sizeFree && step > 0) {
            SizeRule.Size smaller = SizeRule.LADDER.get(step - 1);
            out.add(sized.toBuilder().flowType(FlowType.MAF_MOG).blocks(smaller.blocks()).hidden(smaller.hidden())
                    .autoSelect(null).build());
        }
        return out;
    }

    private static int ladderStep(FitConfig c) {
        int[] h = c.hidden();
        for (int i = 0; i < SizeRule.LADDER.size(); i++) {
            SizeRule.Size s = SizeRule.LADDER.get(i);
            if (s.blocks() == c.blocks() && h.length == 2 && h[0] == s.width() && h[1] == s.width()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Selects among {@link #candidates()} by successive halving within the budget.
     *
     * @throws TrainingDivergedException when every candidate that ran diverged (the first one's error), or the
     *                                   chosen one diverged while training on
     */
    Outcome run(Trainer trainer) {
        return new SuccessiveHalving(candidates(), requested.autoBudget(), clock).run(trainer);
    }

    /** One line per candidate, for provenance and logs. */
    static String describe(List<AutoCandidate> candidates) {
        List<String> parts = new ArrayList<>();
        for (AutoCandidate c : candidates) {
            parts.add(c.trained()
                    ? String.format(Locale.ROOT, "%s%s: validation NLL %.4f (%d epochs, %.1f s%s)", c.label(),
                            c.chosen() ? " [chosen]" : "", c.validationNll(), c.epochs(), c.millis() / 1000.0,
                            c.note().isEmpty() ? "" : ", " + c.note())
                    : c.label() + ": not trained (" + c.note() + ")");
        }
        return String.join("; ", parts);
    }
}
