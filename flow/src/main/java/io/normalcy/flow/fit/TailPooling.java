package io.normalcy.flow.fit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Partial pooling of per-context thresholds across sibling contexts (the combinations that share an entity type).
 * A context with n held-out rows has only n·q rows below its own q-threshold (10–19 for 1,000–1,900 rows at 0.01:
 * ±30 % in rate), but its location, the median, rests on all n. Siblings differ mostly in location (their
 * preprocessing Jacobians put them on different scales) and much less in the shape of their lower tail, so the tail
 * offset (threshold − location) is estimated from the centred values (ℓ − the row's context median) of all
 * siblings, n_parent rows, and blended with the context's own offset by the empirical-Bayes weight
 * w = n·q / (n·q + k0): a context with many rows below its threshold keeps (nearly) its own, one with few leans on its
 * siblings — the more, the closer the siblings' own offsets agree ({@link PoolingWeights} estimates k0). The
 * location shift is what a pre-test without it lacked (pooling contexts 1–2 nats apart hurt them, see
 * {@link ThresholdCalibrator#MIN_EXPECTED_BELOW}).
 */
final class TailPooling {
    private TailPooling() {
    }

    /**
     * Combinations pooled within their first field's value (an entity type's regions), in their given order. Not
     * across the first field: entity types differ in tail shape, not only in location, and pooling all combinations
     * (or all values of a single field) together moved types by ×0.5–×1.5 (all-combination pooling, 11 seeds of
     * CalibrationFloor: seeds meeting the goal 6 → 0–2 of 11), so single-field nodes keep their own thresholds.
     */
    static List<NodeFit> poolByFirstField(List<NodeFit> combinations, double priorRows, int minContextSamples,
                                          GpdFitter fitter) {
        Map<String, List<NodeFit>> groups = new LinkedHashMap<>();
        combinations.forEach(n -> groups.computeIfAbsent(n.node().values().get(0), k -> new ArrayList<>()).add(n));
        Map<String, NodeFit> pooled = new HashMap<>();
        groups.values().forEach(g -> pool(g, priorRows, minContextSamples, fitter)
                .forEach(n -> pooled.put(n.node().scope(), n)));
        return combinations.stream().map(n -> pooled.get(n.node().scope())).toList();
    }

    /**
     * The siblings with their thresholds pooled (same order), or the siblings unchanged when fewer than two of them
     * have a fitted tail (nothing to pool) or {@code priorRows} is 0.
     *
     * @param priorRows the cap on k0, the own rows below the threshold at which a context's own offset and the
     *                  pooled one weigh equally; k0 itself is estimated from the siblings ({@link PoolingWeights})
     */
    static List<NodeFit> pool(List<NodeFit> siblings, double priorRows, int minContextSamples, GpdFitter fitter) {
        List<NodeFit> tailed = siblings.stream().filter(n -> n.tail() != null).toList();
        if (tailed.size() < 2 || priorRows <= 0) {
            return siblings;
        }
        int total = tailed.stream().mapToInt(n -> n.sortedValues().length).sum();
        double[] centred = new double[total];
        int i = 0;
        for (NodeFit n : tailed) {
            double location = n.location();
            for (double v : n.sortedValues()) {
                centred[i++] = v - location;
            }
        }
        ContextNode first = tailed.get(0).node();
        ContextNode pooledNode = new ContextNode(first.fields(), Collections.nCopies(first.depth(), "*"));
        NodeFit offsets = new NodeFit(pooledNode, centred, minContextSamples, fitter);
        PoolingWeights weights = new PoolingWeights(tailed, offsets, priorRows);
        List<NodeFit> out = new ArrayList<>(siblings.size());
        siblings.forEach(n -> out.add(n.count() == 0 ? n : n.pooledWith(weights)));
        return out;
    }
}
