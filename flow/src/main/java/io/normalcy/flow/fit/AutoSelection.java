package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow auto selection ({@link FitConfig.Builder#autoSelect}): trains the candidate families and sizes on the same
 * training/validation split and keeps the one with the lowest validation NLL. Which family fits best depends on the
 * data (MAF_MOG for multi-modal or skewed conditionals, REALNVP with LU mixing where the natural feature order is a
 * poor autoregressive order, plain MAF where a Gaussian base suffices and fewer weights generalise better), and the
 * validation NLL measures exactly that on rows none of them trained on. All candidates share the preprocessing, so
 * their flow-space NLLs differ from original units by the same constant and compare directly.
 *
 * <p>Budget: candidate i of k starts only while time remains (the first always runs) and gets the remaining budget
 * divided by the candidates left, as a time limit after which it stops at the end of the epoch and keeps its best
 * epoch; a candidate that stops early leaves its time to the next ones.
 */
final class AutoSelection {
    private static final Logger LOG = LoggerFactory.getLogger(AutoSelection.class);

    /** Trains one candidate configuration within {@code timeLimit}. */
    @FunctionalInterface
    interface Trainer {
        TrainingResult train(FitConfig candidate, Duration timeLimit);
    }

    /** The chosen candidate's configuration and training result, and the record of every candidate. */
    record Outcome(FitConfig config, TrainingResult trained, List<AutoCandidate> candidates) {
    }

    private final FitConfig requested;
    private final FitConfig sized;
    private final LongSupplier clock;

    /**
     * @param requested the configuration as given (to know which sizes the user fixed)
     * @param sized     {@code requested.sizedFor(...)} for this data
     * @param clock     nanosecond clock ({@code System::nanoTime})
     */
    AutoSelection(FitConfig requested, FitConfig sized, LongSupplier clock) {
        this.requested = requested;
        this.sized = sized;
        this.clock = clock;
    }

    /**
     * The candidates in training order: MAF_MOG, MAF and REALNVP at the sized capacity, then MAF_MOG one
     * {@link SizeRule#LADDER} step smaller (only when the user fixed neither blocks nor hidden widths and the
     * sized step is not already the smallest). MAF_MOG comes first because it is the default, so a budget that
     * allows one candidate gives the default model.
     */
    List<FitConfig> candidates() {
        List<FitConfig> out = new ArrayList<>();
        for (FlowType t : List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP)) {
            out.add(sized.toBuilder().flowType(t).autoSelect(null).build());
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
     * Trains the candidates within the budget and returns the best.
     *
     * @throws TrainingDivergedException when every candidate that ran diverged (the first one's error)
     */
    Outcome run(Trainer trainer) {
        List<FitConfig> configs = candidates();
        long budget = saturatedNanos(requested.autoBudget());
        long start = clock.getAsLong();
        List<AutoCandidate> records = new ArrayList<>();
        List<TrainingResult> results = new ArrayList<>();
        TrainingDivergedException firstFailure = null;
        int best = -1;
        for (int i = 0; i < configs.size(); i++) {
            FitConfig c = configs.get(i);
            long remaining = budget - (clock.getAsLong() - start);
            if (i > 0 && remaining <= 0) {
                records.add(AutoCandidate.skipped(c, "budget spent"));
                results.add(null);
                continue;
            }
            long t0 = clock.getAsLong();
            try {
                TrainingResult r = trainer.train(c, Duration.ofNanos(Math.max(0, remaining) / (configs.size() - i)));
                long millis = (clock.getAsLong() - t0) / 1_000_000;
                records.add(AutoCandidate.trained(c, r, millis));
                results.add(r);
                if (best < 0 || r.bestValNll() < results.get(best).bestValNll()) {
                    best = i;
                }
            } catch (TrainingDivergedException e) {
                LOG.warn("auto selection: candidate {} diverged: {}", AutoCandidate.label(c), e.getMessage());
                records.add(AutoCandidate.skipped(c, "diverged"));
                results.add(null);
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (best < 0) {
            throw firstFailure;
        }
        records.set(best, records.get(best).asChosen());
        LOG.info("auto selection: chose {} of {}", records.get(best).label(), describe(records));
        return new Outcome(configs.get(best), results.get(best), records);
    }

    /** One line per candidate, for provenance and logs. */
    static String describe(List<AutoCandidate> candidates) {
        List<String> parts = new ArrayList<>();
        for (AutoCandidate c : candidates) {
            parts.add(c.trained()
                    ? String.format(Locale.ROOT, "%s%s: validation NLL %.4f (%d epochs, %.1f s)", c.label(),
                            c.chosen() ? " [chosen]" : "", c.validationNll(), c.epochs(), c.millis() / 1000.0)
                    : c.label() + ": not trained (" + c.note() + ")");
        }
        return String.join("; ", parts);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
