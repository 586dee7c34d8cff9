package io.normalcy.flow.fit;

import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns held-out log-densities into alert thresholds: the {@code level}-quantile of log p(x | c) over data the
 * flow was not trained on (training data would be over-fitted and give too low thresholds), globally and per
 * value of each categorical context field. A value falls back to the global threshold when it was seen fewer than
 * {@code minContextSamples} times, or fewer than {@value #MIN_TAIL_POINTS}/level times: an empirical quantile
 * rests on the n·level points below it, and the 0.1% quantile of 2,000 samples is two points, mostly noise.
 */
public final class ThresholdCalibrator {
    /** Expected number of held-out points below a per-context threshold needed to trust it. */
    public static final int MIN_TAIL_POINTS = 10;

    private final List<AlertLevel> levels;
    private final int minContextSamples;

    public ThresholdCalibrator(List<AlertLevel> levels, int minContextSamples) {
        if (minContextSamples < 1) {
            throw new IllegalArgumentException("minContextSamples must be >= 1: " + minContextSamples);
        }
        this.levels = List.copyOf(levels);
        this.minContextSamples = minContextSamples;
    }

    /**
     * @param logDensities      held-out log-densities (finite)
     * @param contexts          categorical context of each held-out row (same length; null entries = no context)
     * @param categoricalFields categorical fields in ContextSpec order
     * @param vocabularies      known values per field (may be empty): they get a (fallback) entry even when
     *                          absent from the held-out data
     */
    public Thresholds calibrate(double[] logDensities, List<Map<String, String>> contexts,
                                List<String> categoricalFields, Map<String, ? extends Collection<String>> vocabularies) {
        if (logDensities.length == 0) {
            throw new IllegalArgumentException("cannot calibrate thresholds on an empty held-out set");
        }
        if (contexts.size() != logDensities.length) {
            throw new IllegalArgumentException("contexts (" + contexts.size() + ") and log-densities ("
                    + logDensities.length + ") differ in length");
        }
        for (int i = 0; i < logDensities.length; i++) {
            if (!Double.isFinite(logDensities[i])) {
                throw new IllegalArgumentException("held-out log-density " + i + " is not finite: " + logDensities[i]);
            }
        }
        double[] all = logDensities.clone();
        Arrays.sort(all);
        // field -> value -> sorted densities
        Map<String, Map<String, double[]>> grouped = new LinkedHashMap<>();
        for (String field : categoricalFields) {
            Map<String, List<Double>> byValue = new LinkedHashMap<>();
            Collection<String> vocab = vocabularies == null ? null : vocabularies.get(field);
            if (vocab != null) {
                vocab.forEach(v -> byValue.put(v, new ArrayList<>()));
            }
            for (int i = 0; i < logDensities.length; i++) {
                Map<String, String> ctx = contexts.get(i);
                String v = ctx == null ? null : ctx.get(field);
                if (v != null) {
                    byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(logDensities[i]);
                }
            }
            Map<String, double[]> sorted = new LinkedHashMap<>();
            byValue.forEach((v, list) -> {
                double[] a = list.stream().mapToDouble(Double::doubleValue).toArray();
                Arrays.sort(a);
                sorted.put(v, a);
            });
            grouped.put(field, sorted);
        }
        List<ThresholdLevel> out = new ArrayList<>();
        for (AlertLevel level : levels) {
            double global = quantile(all, level.level());
            long needed = Math.max(minContextSamples, (long) Math.ceil(MIN_TAIL_POINTS / level.level()));
            Map<String, Map<String, ContextThreshold>> perContext = new LinkedHashMap<>();
            grouped.forEach((field, byValue) -> {
                Map<String, ContextThreshold> m = new LinkedHashMap<>();
                byValue.forEach((value, sorted) -> {
                    boolean fallback = sorted.length < needed;
                    m.put(value, new ContextThreshold(fallback ? global : quantile(sorted, level.level()),
                            sorted.length, fallback));
                });
                perContext.put(field, m);
            });
            out.add(new ThresholdLevel(level.level(), level.severity(), global, all.length, perContext));
        }
        return new Thresholds(out, categoricalFields);
    }

    /**
     * Empirical quantile of sorted data with linear interpolation between order statistics (Hyndman and Fan
     * 1996, type 7, the default of R and NumPy).
     */
    public static double quantile(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("quantile of an empty sample");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile level must be in [0, 1]: " + p);
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Typical contribution of each feature: the median over held-out rows of its per-feature log-density term,
     * so alerts can say which features are unusually improbable compared with normal traffic.
     *
     * @param contributions rows × features, in {@code featureNames} order
     */
    public static Map<String, Double> typicalContributions(List<String> featureNames, List<double[]> contributions) {
        Objects.requireNonNull(featureNames, "featureNames");
        Set<String> unique = new LinkedHashSet<>(featureNames);
        if (unique.size() != featureNames.size()) {
            throw new IllegalArgumentException("duplicate feature names: " + featureNames);
        }
        if (contributions.isEmpty()) {
            throw new IllegalArgumentException("typical contributions of an empty held-out set");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double[] column = new double[contributions.size()];
        for (int f = 0; f < featureNames.size(); f++) {
            for (int r = 0; r < column.length; r++) {
                double[] row = contributions.get(r);
                if (row.length != featureNames.size()) {
                    throw new IllegalArgumentException("contribution row " + r + " has " + row.length
                            + " terms, expected " + featureNames.size());
                }
                column[r] = row[f];
            }
            Arrays.sort(column);
            out.put(featureNames.get(f), quantile(column, 0.5));
        }
        return out;
    }
}
