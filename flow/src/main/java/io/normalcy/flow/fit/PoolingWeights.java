package io.normalcy.flow.fit;

import java.util.List;

/**
 * How much a pooled combination trusts its own tail offset ({@link TailPooling}), estimated from its siblings
 * (empirical Bayes, the normal–normal model of Efron and Morris 1975 / Fay and Herriot 1979): sibling j's own offset
 * o_j(q) = t_j(q) − median_j scatters around the pooled offset o(q) with its sampling variance v_j plus τ², the true
 * spread of the siblings' offsets. The best blend then weighs the own offset w_j = τ² / (τ² + v_j), i.e.
 * w_j = n_j·q / (n_j·q + k0_j) with k0_j = s_j² / τ², where v_j = s_j² / (n_j·q) and s_j, the nats per e-fold of
 * rate at the threshold, is read off the node's own thresholds at q·1.5 and q/1.5 (a threshold resting on n·q points
 * below it moves by about 1/√(n·q) in log rate). τ² is estimated by moments: the mean squared deviation of the
 * siblings' offsets minus their mean v_j, at least 0.
 *
 * <p>Why not a fixed k0: siblings whose tails agree (the regions of one entity type in the quality benchmark, which
 * differ in location only) should pool almost fully — with the generator's exact density k0 = 20 → 80 took the
 * seeds meeting the goal from 30 to 33 of 41, and 160 or 640 gave no more — but siblings whose tails differ must
 * keep their own, or pooling biases them by as much as it removes noise. Estimated, k0 follows the data; it is
 * clamped to [{@value #MIN_PRIOR_ROWS}, the calibrator's cap]: with two or three siblings τ² is itself noisy, and
 * the cap bounds how far one fit can lean on its siblings.
 */
final class PoolingWeights {
    /** Least k0: even siblings that disagree keep a small pull towards each other. */
    static final double MIN_PRIOR_ROWS = 1;
    /** Factor between the two levels s_j is read at (q·F and q/F). */
    private static final double SPAN = 1.5;

    private final List<NodeFit> siblings;
    private final NodeFit offsets;
    private final double maxPriorRows;

    /**
     * @param siblings     the group's own (unpooled) fits with a tail, at least two
     * @param offsets      the pooled centred values of all of them
     * @param maxPriorRows the cap on k0 (the value used where the siblings' offsets agree within their noise)
     */
    PoolingWeights(List<NodeFit> siblings, NodeFit offsets, double maxPriorRows) {
        this.siblings = List.copyOf(siblings);
        this.offsets = offsets;
        this.maxPriorRows = maxPriorRows;
    }

    double maxPriorRows() {
        return maxPriorRows;
    }

    /** The pooled offset o(q): the q-threshold of the siblings' centred values. */
    double pooledOffset(double level) {
        return offsets.ownThreshold(level);
    }

    /** k0 of {@code node} (pooled or not; its own rows) at {@code level}. */
    double priorRows(NodeFit node, double level) {
        double tau2 = spread(level);
        double s = scale(node, level);
        if (!(tau2 > 0) || !(s > 0)) {
            return maxPriorRows;
        }
        return Math.max(MIN_PRIOR_ROWS, Math.min(maxPriorRows, s * s / tau2));
    }

    /** τ²(q): the siblings' offsets' spread beyond their sampling noise, at least 0. */
    double spread(double level) {
        double pooled = pooledOffset(level);
        double deviation = 0;
        double noise = 0;
        for (NodeFit n : siblings) {
            double d = n.ownThreshold(level) - n.location() - pooled;
            double s = scale(n, level);
            deviation += d * d;
            noise += s * s / (n.count() * level);
        }
        return Math.max(0, (deviation - noise) / siblings.size());
    }

    /** s: nats of threshold per e-fold of rate around {@code level}, from the node's own thresholds. */
    private static double scale(NodeFit n, double level) {
        double hi = Math.min(0.5, level * SPAN);
        double lo = level / SPAN;
        return (n.ownThreshold(hi) - n.ownThreshold(lo)) / Math.log(hi / lo);
    }
}
