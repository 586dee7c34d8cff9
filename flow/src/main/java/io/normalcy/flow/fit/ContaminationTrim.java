package io.normalcy.flow.fit;

import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which training rows to keep when the history is expected to hold a share {@code c} of anomalies. History is
 * not clean: it contains the very events the detector is meant to flag, and maximum likelihood spends capacity
 * on them, widening the density where it should stay thin. As in Isolation Forest's {@code contamination}, the
 * share is the user's statement about the data; here it is used to drop, after a first fit, the ⌊c·n⌋ trainer
 * rows with the lowest log-density under that fit, and to continue training on the rest. Rows the first fit
 * could not score (non-finite log-density) count as the least likely. The calibration hold-out is not trimmed:
 * thresholds stay quantiles of the history as it is, so an alert level keeps its meaning.
 */
public final class ContaminationTrim {

    private ContaminationTrim() {
    }

    /**
     * Indices (ascending) of the rows to keep: all but the ⌊{@code contamination}·n⌋ lowest log-densities, and
     * never fewer than {@code minKeep} (ties broken by index, so the result is deterministic).
     *
     * @param logDensities one per row; NaN or −∞ for a row that could not be scored
     * @throws IllegalArgumentException for a contamination outside [0, {@link FitConfig#MAX_CONTAMINATION}]
     */
    public static int[] keep(double[] logDensities, double contamination, int minKeep) {
        if (!(contamination >= 0 && contamination <= FitConfig.MAX_CONTAMINATION)) {
            throw new IllegalArgumentException("contamination must be in [0, " + FitConfig.MAX_CONTAMINATION
                    + "], got " + contamination);
        }
        int n = logDensities.length;
        int drop = Math.max(0, Math.min((int) Math.floor(contamination * n), n - minKeep));
        if (drop == 0) {
            return IntStream.range(0, n).toArray();
        }
        Integer[] byDensity = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byDensity, Comparator.comparingDouble((Integer i) -> orderKey(logDensities[i]))
                .thenComparingInt(i -> i));
        int[] kept = new int[n - drop];
        for (int k = drop; k < n; k++) {
            kept[k - drop] = byDensity[k];
        }
        Arrays.sort(kept);
        return kept;
    }

    /** Log-density under {@code model} of {@code records.get(rows[i])}, NaN where the model refuses the row. */
    static double[] logDensities(NormalcyModel model, List<RawRecord> records, int[] rows) {
        Scorer scorer = model.newScorer();
        double[] contributions = new double[model.featureNames().size()];
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            RawRecord r = records.get(rows[i]);
            try {
                out[i] = scorer.scoreInto(r.features(), r.context(), r.contextNumeric(), r.eventTime(), contributions);
            } catch (InvalidInputException e) {
                out[i] = Double.NaN;
            }
        }
        return out;
    }

    private static double orderKey(double logDensity) {
        return Double.isNaN(logDensity) ? Double.NEGATIVE_INFINITY : logDensity;
    }
}
