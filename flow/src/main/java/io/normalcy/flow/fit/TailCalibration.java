package io.normalcy.flow.fit;

import io.normalcy.flow.model.Thresholds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link ThresholdCalibrator} fitted: the {@link Thresholds} stored in the model, and the fitted tail of
 * every node of the context hierarchy, for calibration reports (bootstrap intervals) and for what the stored
 * format cannot carry yet: the tail parameters behind {@code pValue} (see {@link #nodeFor}).
 */
public final class TailCalibration {
    /**
     * Bootstrap replicates of the {@link #bands} a fit reports: 200 puts the 2.5 % and 97.5 % quantiles on the
     * 5th and 195th replicate. It costs one tail fit per node (plus one per pooled group) and replicate, a few ms for
     * a tail of 1,000 exceedances (contexts of 10,000+ held-out rows), under 0.1 ms for small ones: seconds for a
     * few large contexts, up to tens of seconds for tens of them, next to minutes of training.
     */
    public static final int BAND_REPLICATES = 200;

    private final Thresholds thresholds;
    private final Map<String, NodeFit> nodes;
    private final List<String> fields;
    private final GpdFitter fitter;

    TailCalibration(Thresholds thresholds, List<NodeFit> nodes, List<String> fields, GpdFitter fitter) {
        this.thresholds = thresholds;
        Map<String, NodeFit> m = new LinkedHashMap<>();
        nodes.forEach(n -> m.put(n.node().scope(), n));
        this.nodes = Collections.unmodifiableMap(m);
        this.fields = List.copyOf(fields);
        this.fitter = fitter;
    }

    /** The thresholds as stored in the model (global, single-field and combination nodes). */
    public Thresholds thresholds() {
        return thresholds;
    }

    /** Every fitted node by scope: global, each field value, each observed combination of all fields. */
    public Map<String, NodeFit> nodes() {
        return nodes;
    }

    public NodeFit node(String scope) {
        return nodes.get(scope);
    }

    /**
     * The most specific node with its own threshold at {@code level} for a record's context, in the order
     * combination of all fields, each single field in ContextSpec order, global: the node whose threshold
     * {@link Thresholds#evaluate} applies at that level (the stored thresholds hold the same nodes).
     */
    public NodeFit nodeFor(Map<String, String> context, double level) {
        List<List<String>> order = new ArrayList<>();
        if (fields.size() > 1) {
            order.add(fields);
        }
        fields.forEach(f -> order.add(List.of(f)));
        for (List<String> fs : order) {
            ContextNode node = ContextNode.of(fs, context);
            NodeFit fit = node == null ? null : nodes.get(node.scope());
            if (fit != null && fit.hasOwn(level)) {
                return fit;
            }
        }
        return nodes.get(ContextNode.GLOBAL.scope());
    }

    /**
     * 95 % bootstrap interval of a node's threshold at {@code level} as stored ({@link ThresholdBootstrap}): for a
     * node with its own threshold its own rows resampled and its tail refitted, for a pooled combination the whole
     * estimator with its siblings resampled and pooled again. The rate ratios are the levels at which the
     * node's estimator puts its threshold at the interval's ends ({@link NodeFit#levelAt}), ÷ level.
     *
     * @throws IllegalArgumentException for an unknown scope or a node without a fitted tail that is not pooled
     */
    public LowerTail.Interval interval(String scope, double level, int replicates, long seed) {
        NodeFit n = nodes.get(scope);
        if (n == null || n.count() == 0 || (n.tail() == null && !n.pooled())) {
            throw new IllegalArgumentException("no fitted tail for " + scope);
        }
        double[] t = ThresholdBootstrap.replicates(group(n), n.pooled(), new double[] {level}, replicates, seed,
                fitter).get(scope)[0];
        return interval(n, level, t);
    }

    /**
     * Every threshold the model stores (global and every context with its own at a level, not the fallbacks), by
     * level, with its bootstrap interval ({@link #interval}); each node, or pooled group, is resampled once for all
     * levels.
     */
    public List<ThresholdBand> bands(int replicates, long seed) {
        double[] levels = thresholds.levels().stream().mapToDouble(l -> l.level()).toArray();
        Map<String, double[][]> replicated = new LinkedHashMap<>();
        for (NodeFit n : nodes.values()) {
            boolean stored = n.node().depth() == 0 || java.util.Arrays.stream(levels).anyMatch(n::hasOwn);
            if (stored && !replicated.containsKey(n.node().scope())) {
                replicated.putAll(ThresholdBootstrap.replicates(group(n), n.pooled(), levels, replicates, seed,
                        fitter));
            }
        }
        List<ThresholdBand> out = new ArrayList<>();
        for (int l = 0; l < levels.length; l++) {
            double q = levels[l];
            for (NodeFit n : nodes.values()) {
                if (n.node().depth() == 0 || n.hasOwn(q)) {
                    LowerTail.Interval i = interval(n, q, replicated.get(n.node().scope())[l]);
                    out.add(new ThresholdBand(n.node().scope(), q, i.threshold(), n.count(), n.count() * q,
                            n.ownWeight(q), n.pooled() ? firstValue(n.node()).scope() : null, i.low(), i.high(),
                            i.rateRatioLow(), i.rateRatioHigh()));
                }
            }
        }
        return out;
    }

    private static LowerTail.Interval interval(NodeFit n, double level, double[] replicates) {
        double[] t = replicates.clone();
        java.util.Arrays.sort(t);
        double lo = ThresholdCalibrator.quantile(t, 0.025);
        double hi = ThresholdCalibrator.quantile(t, 0.975);
        return new LowerTail.Interval(n.threshold(level), lo, hi, n.levelAt(lo) / level, n.levelAt(hi) / level);
    }

    /** The node itself, or for a pooled combination all combinations sharing its first field's value, in order. */
    private List<NodeFit> group(NodeFit n) {
        if (!n.pooled()) {
            return List.of(n);
        }
        ContextNode first = firstValue(n.node());
        return nodes.values().stream().filter(m -> m.node().depth() == n.node().depth()
                && firstValue(m.node()).equals(first)).toList();
    }

    private static ContextNode firstValue(ContextNode node) {
        return ContextNode.of(node.fields().get(0), node.values().get(0));
    }
}
