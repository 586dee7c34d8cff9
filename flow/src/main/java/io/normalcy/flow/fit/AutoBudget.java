package io.normalcy.flow.fit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a flow auto budget buys ({@link SuccessiveHalving}), estimated from the epoch times measured in rung 0, and
 * the warning when it falls short. Why a warning and not just a result: a budget below the plan still returns a
 * model, but one chosen at fewer epochs or stopped before its early stop, which docs/results.md measured to be
 * worse than the sized default; the operator needs the budget that would have run the plan.
 *
 * <p>The estimate is an upper bound in the sense that it lets the slowest candidates survive every rung (which
 * ones survive is not known after rung 0); candidates that did not run are assumed as slow as the slowest measured.
 * Epoch times exclude one-time costs (a candidate's build and its first epoch's warm-up, see
 * {@link SuccessiveHalving}), which are added once, as measured: they do not recur in later rungs.
 */
final class AutoBudget {
    private final Duration budget;
    private final int[] rungs;
    private final int maxEpochs;

    AutoBudget(Duration budget, int[] rungs, int maxEpochs) {
        this.budget = budget;
        this.rungs = rungs.clone();
        this.maxEpochs = maxEpochs;
    }

    /**
     * The warning for this budget, or null when rung 0 compared every candidate and the plan fits.
     *
     * @param nanosPerEpoch measured time per epoch of each candidate, NaN where none was measured
     * @param notCompared   candidates rung 0 did not compare for lack of budget
     * @param oneTimeNanos  measured one-time costs of the candidates that ran (beyond their epoch times)
     */
    String warning(double[] nanosPerEpoch, int notCompared, double oneTimeNanos) {
        double[] t = filled(nanosPerEpoch);
        if (t == null) {
            return notCompared == 0 ? null : String.format(Locale.ROOT, "flow auto: the budget %s is too small for"
                    + " one rung of all %d candidates (%d epochs each; %d not compared)", budget,
                    nanosPerEpoch.length, rungs[0], notCompared);
        }
        double plan = planNanos(t) + oneTimeNanos;
        String shape = String.format(Locale.ROOT, "%d candidates × %d epochs, halving at %s epochs, the winner on to"
                + " %d epochs or its early stop", t.length, rungs[0], Arrays.toString(rungs), maxEpochs);
        if (notCompared > 0) {
            return String.format(Locale.ROOT, "flow auto: the budget %s is too small for one rung of all %d candidates"
                    + " (%d epochs each; %d not compared). At rung 0's measured epoch"
                    + " times one rung of all needs about %s and the whole plan (%s) about %s: that budget would"
                    + " compare every candidate at equal epochs and train the winner to its early stop", budget,
                    t.length, rungs[0], notCompared, seconds(firstRungNanos(t) + oneTimeNanos), shape, seconds(plan));
        }
        if (plan > nanos(budget)) {
            return String.format(Locale.ROOT, "flow auto: the budget %s is below the about %s the whole plan (%s)"
                    + " needs at rung 0's measured epoch times: later rungs may be skipped and the winner may stop"
                    + " before its early stop; a budget of at least that would run it all", budget, seconds(plan),
                    shape);
        }
        return null;
    }

    /** Rung 0: every candidate its epochs. */
    double firstRungNanos(double[] t) {
        double total = 0;
        for (double v : t) {
            total += rungs[0] * v;
        }
        return total;
    }

    /** Rung 0, each later rung with the slowest survivors, and the slowest finishing all epochs. */
    double planNanos(double[] t) {
        double[] slowFirst = t.clone();
        Arrays.sort(slowFirst);
        double total = firstRungNanos(t);
        int count = SuccessiveHalving.survivors(t.length);
        int previous = rungs[0];
        for (int r = 1; r < rungs.length; r++) {
            double sum = 0;
            for (int i = 0; i < count; i++) {
                sum += slowFirst[slowFirst.length - 1 - i];
            }
            total += (rungs[r] - previous) * sum;
            previous = rungs[r];
            count = SuccessiveHalving.survivors(count);
        }
        return total + Math.max(0, maxEpochs - previous) * slowFirst[slowFirst.length - 1];
    }

    /** {@code t} with unmeasured (NaN) entries set to the slowest measured, or null when none was measured. */
    private static double[] filled(double[] t) {
        double slowest = Double.NaN;
        for (double v : t) {
            if (!Double.isNaN(v) && !(v <= slowest)) {
                slowest = v;
            }
        }
        if (Double.isNaN(slowest)) {
            return null;
        }
        double[] out = t.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.isNaN(out[i]) ? slowest : out[i];
        }
        return out;
    }

    /** e.g. {@code 452 s (PT7M32S)}: seconds rounded up, with the ISO-8601 form the CLI and trainer accept. */
    private static String seconds(double nanos) {
        long s = (long) Math.ceil(nanos / 1e9);
        return s + " s (" + Duration.ofSeconds(s) + ")";
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
