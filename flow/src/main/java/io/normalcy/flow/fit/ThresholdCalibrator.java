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
 * value of each categorical context field.
 *
 * <p>A context value's own quantile at level q needs n ≥ max({@code minContextSamples}, {@value #MIN_TAIL_POINTS}/q)
 * held-out rows: an empirical quantile rests on the n·q points below it, and the 0.1% quantile of 2,000 samples is
 * two points, mostly noise. A value with enough rows for the least severe (most frequent) level q₀ but not for a
 * rarer level q gets a <em>tail-extrapolated</em> threshold instead of the global one. Densities in original units
 * of different contexts sit on different scales (their preprocessing Jacobians differ), so the global q-threshold
 * alerts ~6× too often on one entity type and almost never on the others (docs/benchmarks.md, calibration). The
 * extrapolation keeps each value's location and spread and pools only the <em>shape</em> of the tail: every row of
 * a value v with enough rows is standardised as u = (log p − a_v) / s_v, with a_v its q₀-quantile and s_v = its
 * median − a_v; the q-quantile of the pooled u of all such values of the field gives the threshold
 * a_v + s_v · u_q. (Same shape up to location and scale ⇒ the right rate in every context; the pooled sample is
 * nearly the global one, so it is as reliable as the global threshold, and unlike that one it is in the value's
 * own location and scale.) A value with too few rows even for q₀ falls back to the global
 * threshold ({@code fallback = true}). The rows each threshold rests on are recorded ({@code count}), so an
 * extrapolated threshold is recognisable: {@code !fallback && count < 10/q}.
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
        checkHeldOut(logDensities, contexts);
        double[] all = logDensities.clone();
        Arrays.sort(all);
        Map<String, Map<String, double[]>> grouped = new LinkedHashMap<>();
        for (String field : categoricalFields) {
            Collection<String> vocab = vocabularies == null ? null : vocabularies.get(field);
            grouped.put(field, byValue(field, vocab, logDensities, contexts));
        }
        double anchor = levels.stream().mapToDouble(AlertLevel::level).max().orElse(Double.NaN);
        Map<String, Tail> tails = new LinkedHashMap<>();
        grouped.forEach((field, byValue) -> tails.put(field, tail(byValue, anchor)));
        List<ThresholdLevel> out = new ArrayList<>();
        for (AlertLevel level : levels) {
            double q = level.level();
            double global = quantile(all, q);
            Map<String, Map<String, ContextThreshold>> perContext = new LinkedHashMap<>();
            grouped.forEach((field, byValue) -> perContext.put(field,
                    contextThresholds(byValue, tails.get(field), q, global)));
            out.add(new ThresholdLevel(q, level.severity(), global, all.length, perContext));
        }
        return new Thresholds(out, categoricalFields);
    }

    /**
     * The pooled tail shape of one field: per value with enough rows for the anchor level, its location a_v and
     * spread s_v ({@code {a_v, s_v}}), and the sorted standardised rows of all those values.
     */
    private record Tail(Map<String, double[]> stats, double[] pooled) {
    }

    private static void checkHeldOut(double[] logDensities, List<Map<String, String>> contexts) {
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
    }

    /** Value → sorted log-densities of the rows with that value of {@code field}; vocabulary values first. */
    private static Map<String, double[]> byValue(String field, Collection<String> vocab, double[] logDensities,
                                                 List<Map<String, String>> contexts) {
        Map<String, List<Double>> byValue = new LinkedHashMap<>();
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
        return sorted;
    }

    /** Standardises every value with enough rows for the {@code anchor} level and pools the result. */
    private Tail tail(Map<String, double[]> byValue, double anchor) {
        long neededForAnchor = needed(anchor);
        Map<String, double[]> stats = new LinkedHashMap<>();
        List<Double> u = new ArrayList<>();
        byValue.forEach((value, sorted) -> {
            if (sorted.length >= neededForAnchor) {
                double a = quantile(sorted, anchor);
                double spread = quantile(sorted, 0.5) - a;
                if (spread > 0) {
                    stats.put(value, new double[] {a, spread});
                    for (double x : sorted) {
                        u.add((x - a) / spread);
                    }
                }
            }
        });
        return new Tail(stats, u.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** Each value's threshold at level {@code q}: its own quantile, else tail-extrapolated, else the global one. */
    private Map<String, ContextThreshold> contextThresholds(Map<String, double[]> byValue, Tail tail, double q,
                                                           double global) {
        long needed = needed(q);
        Map<String, ContextThreshold> m = new LinkedHashMap<>();
        byValue.forEach((value, sorted) -> {
            double[] stats = tail.stats().get(value);
            ContextThreshold t;
            if (sorted.length >= needed) {
                t = new ContextThreshold(quantile(sorted, q), sorted.length, false);
            } else if (stats != null) {
                // the pooled sample is at most the whole held-out set, the very sample the global threshold
                // rests on: no less reliable than the fallback, and in the value's own location and scale
                t = new ContextThreshold(stats[0] + stats[1] * quantile(tail.pooled(), q), sorted.length, false);
            } else {
                t = new ContextThreshold(global, sorted.length, true);
            }
            m.put(value, t);
        });
        return m;
    }

    /** Held-out rows a context value needs for its own empirical quantile at {@code level}. */
    private long needed(double level) {
        return Math.max(minContextSamples, (long) Math.ceil(MIN_TAIL_POINTS / level));
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
