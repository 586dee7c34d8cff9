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

    /** Bootstrap interval of a node's threshold at {@code level} (see {@link LowerTail#interval}). */
    public LowerTail.Interval interval(String scope, double level, int replicates, long seed) {
        NodeFit n = nodes.get(scope);
        if (n == null || n.tail() == null) {
            throw new IllegalArgumentException("no fitted tail for " + scope);
        }
        return n.tail().interval(level, fitter, replicates, seed);
    }
}
