package io.normalcy.flow.fit;

import io.normalcy.flow.model.ContextCombination;
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
 * Turns held-out log-densities into alert thresholds: for each level q, the log-density below which a share q of
 * normal traffic of a context falls, estimated on data the flow was not trained on (training data would be
 * over-fitted and give too low thresholds). Log-densities in original units of different contexts live on
 * different scales (their preprocessing Jacobians differ: one global threshold alerted ×6 too often on one entity
 * type and almost never on the others, docs/benchmarks.md, calibration), so each context gets its own.
 *
 * <p><b>Rare levels from a fitted tail.</b> An empirical q-quantile rests on the n·q held-out points below it
 * (10 points: ±30 % in rate). Each context's lower tail is instead fitted by peaks over threshold: the k ≈ 10 %
 * lowest values (at most 1,000) as exceedances below the tail threshold u, modelled by a generalised Pareto
 * distribution (Pickands 1975; Balkema and de Haan 1974; Coles 2001, ch. 4), whose quantile at q/p_u gives the
 * threshold ({@link LowerTail}, {@link GpdFitter}). Every level then rests on all k points, and levels rarer than the
 * data can resolve are extrapolated with a shape shrunk towards the exponential tail that log-densities have
 * ({@value #SHAPE_PRIOR_SD} = sd of the N(0, τ²) prior on ξ).
 *
 * <p><b>Context hierarchy.</b> Nodes are global, each value of each categorical field, and (with two or more fields)
 * each combination of values of all fields, e.g. {@code entityType=grocery,region=eu}: a field's threshold is a
 * mixture over the other fields' values, so one threshold per entity type applied to every region alerted ×0.78 in
 * eu and ×1.2 in us and apac even with the exact density (docs/benchmarks.md, "What a perfect model gets"). A node
 * has its own threshold at level q when its held-out data suffice ({@link NodeFit#hasOwn}): a fitted tail needs
 * n ≥ max({@code minContextSamples}, {@link LowerTail#minRows()}) rows and n·q ≥ {@value #MIN_EXPECTED_BELOW}
 * (extrapolation at most 10× beyond the rows' reach; the parent's threshold is no safer: in the quality
 * benchmark a type without its own critical threshold alerted ×3–5 or ×0.0 on the region's or global one); below
 * {@link LowerTail#minRows()} rows a node can still have its empirical quantile with
 * n ≥ max({@code minContextSamples}, {@value #MIN_TAIL_POINTS}/q). Otherwise a single field's entry is a
 * {@code fallback} (a copy of the global threshold) and the detector moves on to the next field, then to global,
 * level by level ({@link Thresholds#evaluate}); a combination is stored only at the levels where it has its own
 * (there can be as many combinations as the product of the vocabularies, most with too few rows). The detector
 * tries the combination first, as {@link TailCalibration#nodeFor} does. Every entry records the rows it rests on
 * ({@code count}).
 *
 * <p><b>Partial pooling of combinations.</b> A combination with 1,000–1,900 held-out rows has 10–19 below its 0.01
 * threshold (±30 % in rate). Its threshold is its own location (median) plus a tail offset blended from its own and
 * the pooled centred values of its entity type's combinations ({@link TailPooling}, weight n·q / (n·q + k0),
 * k0 estimated from how closely the combinations' own offsets agree, at most {@value #POOLING_PRIOR_ROWS}: see
 * {@link PoolingWeights}): with the generator's exact density the rms of log(rate/q) at 0.01 fell from 0.181
 * unpooled to 0.154 with a fixed k0 = 20 over 11 seeds, and to 0.131 estimated over 41 seeds. Pooling across
 * entity types (all combinations, or a field's values, together) hurt
 * (types differ in tail shape), so single-field nodes keep their own thresholds. Which nodes have an entry, and the
 * counts, are unchanged.
 */
public final class ThresholdCalibrator {
    /** Expected number of held-out points below an empirical (not tail-fitted) per-context threshold. */
    public static final int MIN_TAIL_POINTS = 10;
    /**
     * Least expected number of held-out points below a tail-fitted per-context threshold (n·q): the fitted tail
     * extrapolates at most 10× beyond the reach of the node's own rows. Within that reach a node keeps its own
     * threshold even where it looks like its parent: a pre-test that took the parent's unless the node's fitted
     * tail showed it off by more than 2 sd of the node's own noise helped contexts distributed alike (rms of
     * log(rate/q) at 0.001 with 1,500 rows each 0.43–0.56 → 0.39–0.42) but hurt contexts 1–2 nats apart
     * (→ 0.53–0.98) and a context on another scale (0.63 → 1.05), and the goal is every context's rate.
     */
    public static final double MIN_EXPECTED_BELOW = 0.1;
    /**
     * τ, the sd of the N(0, τ²) penalty on the GPD shape ξ (see {@link GpdFitter}). 0.1: on log-densities of
     * Gaussians of dimension 2 to 12 (½χ² tails, locally slightly lighter than exponential) it gave the smallest
     * bias and root-mean-square rate error of a 0.001 threshold from 2,000 rows among τ = 0, 0.05, 0.1, 0.2, 0.3
     * and ∞ (rms of log(rate/q) 0.44–0.48 against 0.67–0.69 for the empirical quantile; τ = 0 is biased by up to
     * ×0.6 on d = 12, τ = ∞ is noisier).
     */
    public static final double SHAPE_PRIOR_SD = 0.1;
    /**
     * The cap on k0 of {@link TailPooling}, which {@link PoolingWeights} estimates per entity type and level from how
     * far its combinations' own tail offsets scatter beyond their noise (k0 = s²/τ²): siblings that agree pool up to
     * k0 = 80 (a combination with 80 own held-out rows expected below its threshold weighs its own offset and the
     * pooled one equally), siblings that differ keep their own. With the generator's exact density (benchmarks
     * CalibrationFloor, seeds 42 and 1–40, contexts with ≥ 10/q rows @0.01): a fixed k0 = 20 (sessions 6–8) met the
     * goal on 30 of 41 seeds, 583 of 598 context-levels in range, rms of log(rate/q) 0.137; a fixed 40 / 80 / 160 / 640
     * gave 31 / 33 / 33 / 33 seeds; estimated with cap 80 (or 640) 33 seeds, 589 of 598, rms 0.131
     * (docs/benchmarks.md, "The floor, re-checked").
     */
    public static final double POOLING_PRIOR_ROWS = 80;

    private final List<AlertLevel> levels;
    private final int minContextSamples;
    private final GpdFitter fitter;
    private final double priorRows;

    public ThresholdCalibrator(List<AlertLevel> levels, int minContextSamples) {
        this(levels, minContextSamples, new GpdFitter(SHAPE_PRIOR_SD), POOLING_PRIOR_ROWS);
    }

    ThresholdCalibrator(List<AlertLevel> levels, int minContextSamples, GpdFitter fitter) {
        this(levels, minContextSamples, fitter, POOLING_PRIOR_ROWS);
    }

    /** @param priorRows k0 of {@link TailPooling} (0: every context's own threshold, no pooling) */
    ThresholdCalibrator(List<AlertLevel> levels, int minContextSamples, GpdFitter fitter, double priorRows) {
        if (minContextSamples < 1) {
            throw new IllegalArgumentException("minContextSamples must be >= 1: " + minContextSamples);
        }
        this.levels = List.copyOf(levels);
        this.minContextSamples = minContextSamples;
        this.fitter = fitter;
        this.priorRows = priorRows;
    }

    /**
     * The thresholds to store in the model: {@code fitTails(...).thresholds()}.
     *
     * @param logDensities      held-out log-densities (finite)
     * @param contexts          categorical context of each held-out row (same length; null entries = no context)
     * @param categoricalFields categorical fields in ContextSpec order
     * @param vocabularies      known values per field (may be empty): they get a (fallback) entry even when
     *                          absent from the held-out data
     */
    public Thresholds calibrate(double[] logDensities, List<Map<String, String>> contexts,
                                List<String> categoricalFields, Map<String, ? extends Collection<String>> vocabularies) {
        return fitTails(logDensities, contexts, categoricalFields, vocabularies).thresholds();
    }

    /** Fits every node of the hierarchy and derives the stored thresholds; arguments as {@link #calibrate}. */
    public TailCalibration fitTails(double[] logDensities, List<Map<String, String>> contexts,
                                    List<String> categoricalFields,
                                    Map<String, ? extends Collection<String>> vocabularies) {
        validate(logDensities, contexts);
        NodeFit global = new NodeFit(ContextNode.GLOBAL, logDensities, minContextSamples, fitter);
        List<NodeFit> nodes = new ArrayList<>(List.of(global));
        Map<String, Map<String, NodeFit>> byField = new LinkedHashMap<>();
        for (String field : categoricalFields) {
            Collection<String> vocab = vocabularies == null ? null : vocabularies.get(field);
            Map<String, NodeFit> fits = new LinkedHashMap<>();
            group(logDensities, contexts, List.of(field), vocab).forEach((node, values) -> {
                NodeFit fit = new NodeFit(node, values, minContextSamples, fitter);
                fits.put(node.values().get(0), fit);
                nodes.add(fit);
            });
            byField.put(field, fits);
        }
        List<NodeFit> combinations = new ArrayList<>();
        if (categoricalFields.size() > 1) {
            List<NodeFit> own = new ArrayList<>();
            group(logDensities, contexts, categoricalFields, null).forEach((node, values) ->
                    own.add(new NodeFit(node, values, minContextSamples, fitter)));
            combinations.addAll(TailPooling.poolByFirstField(own, priorRows, minContextSamples, fitter));
            nodes.addAll(combinations);
        }
        List<ThresholdLevel> out = new ArrayList<>();
        for (AlertLevel level : levels) {
            double q = level.level();
            double globalThreshold = global.threshold(q);
            Map<String, Map<String, ContextThreshold>> perContext = new LinkedHashMap<>();
            byField.forEach((field, fits) -> {
                Map<String, ContextThreshold> m = new LinkedHashMap<>();
                fits.forEach((value, fit) -> m.put(value, fit.hasOwn(q)
                        ? new ContextThreshold(fit.threshold(q), fit.count(), false)
                        : new ContextThreshold(globalThreshold, fit.count(), true)));
                perContext.put(field, m);
            });
            Map<ContextCombination, ContextThreshold> perCombination = new LinkedHashMap<>();
            for (NodeFit fit : combinations) {
                if (fit.hasOwn(q)) {
                    perCombination.put(new ContextCombination(fit.node().fields(), fit.node().values()),
                            new ContextThreshold(fit.threshold(q), fit.count(), false));
                }
            }
            out.add(new ThresholdLevel(q, level.severity(), globalThreshold, global.count(), perContext,
                    perCombination));
        }
        return new TailCalibration(new Thresholds(out, categoricalFields), nodes, categoricalFields, fitter);
    }

    private static void validate(double[] logDensities, List<Map<String, String>> contexts) {
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

    /**
     * Held-out values per node of {@code fields} (rows lacking one of the fields belong to none), in first-seen
     * order after the {@code vocabulary} values of a single field, which are present even without rows.
     */
    private static Map<ContextNode, double[]> group(double[] logDensities, List<Map<String, String>> contexts,
                                                    List<String> fields, Collection<String> vocabulary) {
        Map<ContextNode, List<Double>> lists = new LinkedHashMap<>();
        if (vocabulary != null) {
            vocabulary.forEach(v -> lists.put(ContextNode.of(fields.get(0), v), new ArrayList<>()));
        }
        for (int i = 0; i < logDensities.length; i++) {
            Map<String, String> ctx = contexts.get(i);
            ContextNode node = ctx == null ? null : ContextNode.of(fields, ctx);
            if (node != null) {
                lists.computeIfAbsent(node, k -> new ArrayList<>()).add(logDensities[i]);
            }
        }
        Map<ContextNode, double[]> out = new LinkedHashMap<>();
        lists.forEach((node, list) -> out.put(node, list.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
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
