package io.normalcy.flow.fit;

import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorable calibration rows of a fit (the hold-out, and with it the validation rows, {@link CalibrationRows}):
 * log-densities (original units), per-feature contributions and categorical contexts, and how many rows could not
 * be scored. Scored exactly as the detector will score (bin centres for dequantised features), so the thresholds
 * calibrated on it are the detector's.
 */
record HoldOut(double[] logDensities, List<double[]> contributions, List<Map<String, String>> contexts,
               int unscorable) {
    private static final Logger LOG = LoggerFactory.getLogger(HoldOut.class);

    double mean() {
        double sum = 0;
        for (double ld : logDensities) {
            sum += ld;
        }
        return sum / logDensities.length;
    }

    /**
     * Scores the hold-out rows {@code cal} with {@code model}; rows it rejects are skipped and counted.
     *
     * @throws IllegalArgumentException when none of them can be scored
     */
    static HoldOut score(String name, NormalcyModel model, List<RawRecord> records, int[] cal) {
        HoldOut h = scoreAny(name, model, records, cal);
        if (h.logDensities().length == 0) {
            throw new IllegalArgumentException("model '" + name + "': no calibration record could be scored");
        }
        return h;
    }

    /** These rows followed by {@code more}'s (e.g. the hold-out and the validation rows that calibrate with it). */
    HoldOut with(HoldOut more) {
        double[] ld = Arrays.copyOf(logDensities, logDensities.length + more.logDensities.length);
        System.arraycopy(more.logDensities, 0, ld, logDensities.length, more.logDensities.length);
        List<double[]> contrib = new ArrayList<>(contributions);
        contrib.addAll(more.contributions);
        List<Map<String, String>> ctx = new ArrayList<>(contexts);
        ctx.addAll(more.contexts);
        return new HoldOut(ld, contrib, ctx, unscorable + more.unscorable);
    }

    /** As {@link #score}, but an empty result (no rows, or none scorable) is allowed. */
    static HoldOut scoreAny(String name, NormalcyModel model, List<RawRecord> records, int[] cal) {
        Scorer scorer = model.newScorer();
        double[] logDensities = new double[cal.length];
        List<double[]> contributions = new ArrayList<>(cal.length);
        List<Map<String, String>> contexts = new ArrayList<>(cal.length);
        int scored = 0;
        for (int i : cal) {
            RawRecord r = records.get(i);
            double[] contrib = new double[model.featureNames().size()];
            try {
                logDensities[scored] = scorer.scoreInto(r.features(), r.context(), r.contextNumeric(), r.eventTime(),
                        contrib);
            } catch (InvalidInputException e) {
                // e.g. a negative value of a log1p feature that only occurs in the hold-out
                LOG.warn("model {}: calibration record not scorable, skipped: {}", name, e.getMessage());
                continue;
            }
            contributions.add(contrib);
            contexts.add(r.context());
            scored++;
        }
        return new HoldOut(Arrays.copyOf(logDensities, scored), contributions, contexts, cal.length - scored);
    }
}
