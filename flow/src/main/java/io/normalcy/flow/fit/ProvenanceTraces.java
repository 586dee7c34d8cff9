package io.normalcy.flow.fit;

import io.normalcy.flow.train.EpochStats;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Compact text traces of a fit for the model's provenance, so that whoever holds only the model (the detector's
 * console, an auditor) can see how training went and where the held-out log-densities lie without the trainer's
 * report: the per-epoch loss curve and quantiles of the calibration hold-out's log-density.
 */
public final class ProvenanceTraces {
    /** Provenance key of the loss curve: {@code "train/validation;..."} per epoch, in order. */
    public static final String LOSS_CURVE = "lossCurve";
    /** Provenance key of the held-out quantiles: {@code "level:logDensity;..."}. */
    public static final String HELD_OUT_QUANTILES = "heldOutQuantiles";
    /** At most this many epochs are written (a longer run keeps every k-th epoch and the last). */
    static final int MAX_EPOCHS = 400;
    static final double[] LEVELS = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};

    private ProvenanceTraces() {
    }

    /** Training and validation NLL per epoch (flow space, nats/record), thinned to {@link #MAX_EPOCHS}. */
    public static String lossCurve(List<EpochStats> history) {
        StringJoiner out = new StringJoiner(";");
        int step = Math.max(1, (history.size() + MAX_EPOCHS - 1) / MAX_EPOCHS);
        for (int i = 0; i < history.size(); i++) {
            if (i % step == 0 || i == history.size() - 1) {
                EpochStats e = history.get(i);
                out.add(String.format(Locale.ROOT, "%.5g/%.5g", e.trainNll(), e.valNll()));
            }
        }
        return out.toString();
    }

    /** Empirical quantiles (nearest rank) of the hold-out's log-densities at {@link #LEVELS}. */
    public static String heldOutQuantiles(double[] logDensities) {
        double[] sorted = logDensities.clone();
        Arrays.sort(sorted);
        StringJoiner out = new StringJoiner(";");
        for (double level : LEVELS) {
            int rank = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(level * sorted.length) - 1));
            out.add(String.format(Locale.ROOT, "%s:%.5g", level, sorted[rank]));
        }
        return out.toString();
    }
}
