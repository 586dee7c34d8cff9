package io.normalcy.flow.fit;

import java.util.Arrays;

/**
 * The held-out log-densities of one {@link ContextNode} and, with enough of them, their fitted {@link LowerTail}.
 * Decides whether the node has a threshold of its own at a level and computes it.
 */
public final class NodeFit {
    private final ContextNode node;
    private final double[] sorted;
    private final LowerTail tail;
    private final int minContextSamples;
    /** The weights of its own and its siblings' pooled tail offsets, or null: the node's own threshold. */
    private final PoolingWeights pooling;

    NodeFit(ContextNode node, double[] values, int minContextSamples, GpdFitter fitter) {
        this.node = node;
        this.sorted = values.clone();
        Arrays.sort(sorted);
        this.minContextSamples = minContextSamples;
        boolean tailed = sorted.length >= LowerTail.minRows()
                && (node.depth() == 0 || sorted.length >= minContextSamples);
        this.tail = tailed ? LowerTail.fit(sorted, fitter) : null;
        this.pooling = null;
    }

    private NodeFit(NodeFit own, PoolingWeights pooling) {
        this.node = own.node;
        this.sorted = own.sorted;
        this.tail = own.tail;
        this.minContextSamples = own.minContextSamples;
        this.pooling = pooling;
    }

    /**
     * This node with its threshold partially pooled ({@link TailPooling}): its own location plus a blend of its own
     * tail offset and its siblings' pooled offset, weighted k/(k + k0) with k = n·q the node's own expected rows
     * below the threshold and k0 from {@code pooling} ({@link PoolingWeights}).
     */
    NodeFit pooledWith(PoolingWeights pooling) {
        return new NodeFit(this, pooling);
    }

    /** The node's location: the median of its held-out log-densities, which rests on all n rows. */
    public double location() {
        if (sorted.length == 0) {
            throw new IllegalStateException(node + " has no held-out rows");
        }
        return ThresholdCalibrator.quantile(sorted, 0.5);
    }

    int minContextSamples() {
        return minContextSamples;
    }

    /** The cap on k0 of a pooled node ({@link PoolingWeights#maxPriorRows()}); 0 when not pooled. */
    double priorRows() {
        return pooling == null ? 0 : pooling.maxPriorRows();
    }

    /** The sorted held-out values themselves (not a copy: callers must not modify them). */
    double[] sortedValues() {
        return sorted;
    }

    public ContextNode node() {
        return node;
    }

    /** Held-out rows of the node. */
    public long count() {
        return sorted.length;
    }

    /** The fitted tail, or null with fewer than max(minContextSamples, {@link LowerTail#minRows()}) rows. */
    public LowerTail tail() {
        return tail;
    }

    /**
     * Whether the node has its own threshold at {@code level}: with a fitted tail, when it expects at least
     * {@value ThresholdCalibrator#MIN_EXPECTED_BELOW} held-out rows below it (n·q: extrapolating far beyond the
     * data multiplies the shape's error); without one, as an empirical quantile with
     * n ≥ max(minContextSamples, {@value ThresholdCalibrator#MIN_TAIL_POINTS}/q). The global node always has one.
     */
    public boolean hasOwn(double level) {
        int n = sorted.length;
        if (n == 0) {
            return false;
        }
        if (node.depth() == 0) {
            return true;
        }
        if (tail != null && n * level >= ThresholdCalibrator.MIN_EXPECTED_BELOW) {
            return true;
        }
        return n >= minContextSamples && n >= Math.ceil(ThresholdCalibrator.MIN_TAIL_POINTS / level);
    }

    /**
     * The node's q-threshold: its own (from the fitted tail when there is one, else the empirical type-7 quantile),
     * or, when pooled ({@link #pooledWith}), location + w·(own − location) + (1 − w)·(siblings' offset) with
     * w = {@link #ownWeight}.
     */
    public double threshold(double level) {
        double own = ownThreshold(level);
        if (pooling == null) {
            return own;
        }
        double location = location();
        double w = ownWeight(level);
        return location + w * (own - location) + (1 - w) * pooling.pooledOffset(level);
    }

    /** Whether the threshold is partially pooled with the node's siblings ({@link #pooledWith}). */
    public boolean pooled() {
        return pooling != null;
    }

    /**
     * The weight w = n·q / (n·q + k0) of the node's own tail offset at {@code level}, k0 estimated from the
     * siblings ({@link PoolingWeights}): 1 when not pooled.
     */
    public double ownWeight(double level) {
        if (pooling == null) {
            return 1;
        }
        double k = sorted.length * level;
        return k / (k + pooling.priorRows(this, level));
    }

    /**
     * The level whose {@link #threshold} is {@code logDensity}: the rate at which this node's stored estimator puts
     * a threshold there. Without pooling the fitted tail's {@link #pValue} (its exact inverse); pooled, the blend has
     * no closed-form inverse and is inverted by bisection in log q over [1e-12, 0.5] (it increases with q).
     */
    public double levelAt(double logDensity) {
        if (pooling == null) {
            return pValue(logDensity);
        }
        double lo = Math.log(1e-12);
        double hi = Math.log(0.5);
        if (threshold(Math.exp(lo)) >= logDensity) {
            return Math.exp(lo);
        }
        if (threshold(Math.exp(hi)) <= logDensity) {
            return Math.exp(hi);
        }
        for (int i = 0; i < 60; i++) {
            double mid = 0.5 * (lo + hi);
            if (threshold(Math.exp(mid)) < logDensity) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.exp(0.5 * (lo + hi));
    }

    /** The threshold from the node's own rows alone. */
    public double ownThreshold(double level) {
        if (sorted.length == 0) {
            throw new IllegalStateException(node + " has no held-out rows");
        }
        return tail != null ? tail.quantile(level) : ThresholdCalibrator.quantile(sorted, level);
    }

    /**
     * P(ℓ' ≤ ℓ) for a normal event of the node: the fitted tail's (empirical above u, GPD below), or the empirical
     * CDF without one. NaN without rows.
     */
    public double pValue(double logDensity) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (tail != null) {
            return tail.pValue(logDensity);
        }
        int below = 0;
        while (below < sorted.length && sorted[below] <= logDensity) {
            below++;
        }
        return (double) below / sorted.length;
    }

    @Override
    public String toString() {
        return node + " (n=" + sorted.length + (tail == null ? "" : ", k=" + tail.exceedances() + ", " + tail.gpd())
                + ")";
    }
}
