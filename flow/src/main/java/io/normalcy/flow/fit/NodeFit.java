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

    NodeFit(ContextNode node, double[] values, int minContextSamples, GpdFitter fitter) {
        this.node = node;
        this.sorted = values.clone();
        Arrays.sort(sorted);
        this.minContextSamples = minContextSamples;
        boolean tailed = sorted.length >= LowerTail.minRows()
                && (node.depth() == 0 || sorted.length >= minContextSamples);
        this.tail = tailed ? LowerTail.fit(sorted, fitter) : null;
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
     * Whether the node has its own threshold at {@code level} rather than its {@code parent}'s (null = none: the
     * global node, or no fallback to compare with):
     * <ul>
     *   <li>with a fitted tail and n·q ≥ {@value ThresholdCalibrator#MIN_TAIL_POINTS}: yes — as many rows as an
     *       empirical quantile would want;</li>
     *   <li>with a fitted tail and {@value ThresholdCalibrator#MIN_EXPECTED_BELOW} ≤ n·q &lt;
     *       {@value ThresholdCalibrator#MIN_TAIL_POINTS}: only when the node's fitted tail shows the parent's
     *       threshold to be off for it, |log(rate / q)| &gt; {@value ThresholdCalibrator#DIFFERENCE_Z} ×
     *       {@link LowerTail#logRateSd}: an own threshold this far beyond the rows is noisy (×0.5–2 at 0.001 with
     *       2,000 rows), worth it against a parent that is off by more (the global threshold alerted ×6 and ×0.0 on
     *       entity types on different scales), not against one that fits;</li>
     *   <li>without a fitted tail (fewer than {@link LowerTail#minRows()} rows): its empirical quantile, with
     *       n ≥ max(minContextSamples, {@value ThresholdCalibrator#MIN_TAIL_POINTS}/q).</li>
     * </ul>
     */
    public boolean hasOwn(double level, NodeFit parent) {
        int n = sorted.length;
        if (n == 0) {
            return false;
        }
        if (node.depth() == 0) {
            return true;
        }
        if (tail == null) {
            return n >= minContextSamples && n >= Math.ceil(ThresholdCalibrator.MIN_TAIL_POINTS / level);
        }
        double expectedBelow = n * level;
        if (expectedBelow >= ThresholdCalibrator.MIN_TAIL_POINTS) {
            return true;
        }
        if (expectedBelow < ThresholdCalibrator.MIN_EXPECTED_BELOW) {
            return false;
        }
        if (parent == null || parent.count() == 0) {
            return true;
        }
        double rate = tail.pValue(parent.threshold(level)) / level;
        return Math.abs(Math.log(rate)) > ThresholdCalibrator.DIFFERENCE_Z * tail.logRateSd(level);
    }

    /** The node's q-threshold: from the fitted tail when there is one, else the empirical type-7 quantile. */
    public double threshold(double level) {
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
