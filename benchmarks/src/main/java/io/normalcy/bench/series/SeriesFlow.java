package io.normalcy.bench.series;

import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.train.EpochStats;
import java.util.List;
import java.util.Map;

/**
 * The product's flow on one series as a user gets it: {@link ModelFitter} (the trainer's code path, with its own
 * train/validation/calibration split of the fit part) on the three {@link SeriesFeatures} with the hour of day as
 * cyclic context, nothing else set, so the flow type's defaults and {@code SizeRule}'s sizes apply. The score is
 * −log p(x | c) from {@link Scorer#scoreInto}, as the detector computes it.
 *
 * <p>Two variants, because {@code FitConfig} has no switch that turns issue 13's robustness off (step detection
 * and dequantisation of repeated values, ActNorm's start on constant batches and the one-row last batch are
 * always on): today's default MAF_MOG, and plain MAF with a Gaussian base, the old default flow type. Both run
 * with the fixes; the pair says what the base distribution adds on such series, not what the fixes did.
 */
final class SeriesFlow {
    /** The flow types compared; {@link #label} names them in every table. */
    enum Variant {
        DEFAULT("flow MAF_MOG (default)", FlowType.MAF_MOG),
        GAUSSIAN("flow MAF (Gaussian base)", FlowType.MAF);

        final String label;
        final FlowType type;

        Variant(String label, FlowType type) {
            this.label = label;
            this.type = type;
        }
    }

    /**
     * @param scores    −log p of each scored point (NaN for all when the fit failed)
     * @param worstGap  median minus minimum of log p over the fit part's rows (nats): the collapse symptom
     * @param finite    every epoch's train and validation NLL and every log p (fit rows and scored) finite
     * @param settings  what the fit used (flow type, blocks × hidden, epochs run), or the error when it failed
     * @param worstRow  where the worst training row is and which feature's log-density term puts it furthest below
     *                  that term's median, e.g. "t=1234 diff −150.2" (empty when the fit failed)
     */
    record Result(double[] scores, double worstGap, boolean finite, String settings, String worstRow) {
    }

    private SeriesFlow() {
    }

    static FitConfig config(Variant v, SeriesOptions o) {
        FitConfig.Builder b = FitConfig.builder()
                .flowType(v.type)
                .seed(o.seed())
                .features(SeriesFeatures.NAMES)
                .cyclicContext(List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)));
        if (o.epochs() > 0) {
            b.epochs(o.epochs());
        }
        return b.build();
    }

    static Result run(Variant v, OpsSeries.Series s, SeriesOptions o) {
        int n = s.length();
        int scored = n - s.fitEnd();
        FitResult fit;
        try {
            fit = new ModelFitter().fit(s.name(), 1, SeriesFeatures.rows(s.values(), s.times(), s.fitEnd()),
                    config(v, o), null);
        } catch (RuntimeException e) {
            double[] nan = new double[scored];
            java.util.Arrays.fill(nan, Double.NaN);
            return new Result(nan, Double.NaN, false, "fit failed: " + e.getMessage(), "");
        }
        boolean finite = true;
        for (EpochStats e : fit.history()) {
            finite &= Double.isFinite(e.trainNll()) && Double.isFinite(e.valNll());
        }
        Scorer scorer = fit.model().newScorer();
        double[] train = new double[s.fitEnd() - SeriesFeatures.ROLLING];
        double[][] terms = new double[SeriesFeatures.NAMES.size()][train.length];
        double[] contributions = new double[SeriesFeatures.NAMES.size()];
        for (int t = SeriesFeatures.ROLLING; t < s.fitEnd(); t++) {
            int i = t - SeriesFeatures.ROLLING;
            train[i] = logDensity(scorer, s, t, contributions);
            finite &= Double.isFinite(train[i]);
            for (int f = 0; f < contributions.length; f++) {
                terms[f][i] = contributions[f];
            }
        }
        double[] scores = new double[scored];
        for (int t = s.fitEnd(); t < n; t++) {
            double ld = logDensity(scorer, s, t, null);
            finite &= Double.isFinite(ld);
            scores[t - s.fitEnd()] = -ld;
        }
        Map<String, String> c = fit.model().provenance().config();
        String settings = String.format(java.util.Locale.ROOT, "%s %s×%s, %d epochs (best %d)", c.get("flowType"),
                c.get("blocks"), c.get("hidden"), fit.history().size(), fit.metrics().bestEpoch());
        return new Result(scores, SeriesMetrics.worstBelowMedian(train), finite, settings, worstRow(train, terms));
    }

    /**
     * The worst training row's point index and the feature whose term (flow plus preprocessing, as the scorer
     * splits log p) is furthest below that feature's median term: says whether a low row is a rare value of one
     * feature (a step in a constant stretch, a heavy-tail value) or a general misfit.
     */
    static String worstRow(double[] train, double[][] terms) {
        int worst = 0;
        for (int i = 1; i < train.length; i++) {
            worst = train[i] < train[worst] ? i : worst;
        }
        int feature = 0;
        double deficit = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < terms.length; f++) {
            double d = SeriesReport.median(terms[f]) - terms[f][worst];
            if (d > deficit) {
                deficit = d;
                feature = f;
            }
        }
        return String.format(java.util.Locale.ROOT, "t=%d %s −%.1f", worst + SeriesFeatures.ROLLING,
                SeriesFeatures.NAMES.get(feature), deficit);
    }

    private static double logDensity(Scorer scorer, OpsSeries.Series s, int t, double[] contributions) {
        return scorer.scoreInto(SeriesFeatures.map(SeriesFeatures.at(s.values(), t)), Map.of(), Map.of(),
                s.times()[t], contributions);
    }
}
