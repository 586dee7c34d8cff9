package io.normalcy.flow.fit;

import java.util.Arrays;

/**
 * The distribution of held-out log-densities of one context, with its lower tail fitted by peaks over threshold
 * (Coles 2001, ch. 4): empirical above the tail threshold u, generalised Pareto below it. u is the (k+1)-th smallest
 * of the n values, with k = clamp(⌈{@value #TAIL_FRACTION}·n⌉, {@value #MIN_EXCEEDANCES}, {@value #MAX_EXCEEDANCES}),
 * and the k values below it give the exceedances y = u − ℓ. A tail needs k ≤ {@value #MAX_TAIL_FRACTION}·n, i.e.
 * n ≥ {@link #minRows()}.
 *
 * <p>Why these choices: an empirical q-quantile rests on the n·q points below it (±1/√(n·q) in rate: ±30 % for
 * 10 points), while the fitted tail uses all k exceedances, so a rare level inherits the precision of the k points
 * at the cost of the GPD approximation — the exceedances of a log-density over its 10 % quantile are close to
 * exponential (see {@link GpdFitter}). Capping k at {@value #MAX_EXCEEDANCES} lowers u as data grow (u is the
 * 1 % quantile at n = 100,000), so levels with plenty of data are read off the data and only what lies beyond
 * is extrapolated. The empirical part uses the Hyndman–Fan type-7 quantile (that of R and NumPy) and its inverse,
 * and the tail weight p_u = k/(n − 1) is the type-7 probability of u, so {@link #quantile} and {@link #pValue}
 * are exact inverses and continuous at u.
 */
public final class LowerTail {
    /** Share of a context's held-out rows below its tail threshold u (unless capped). */
    public static final double TAIL_FRACTION = 0.1;
    /** Fewest exceedances a tail is fitted on. */
    public static final int MIN_EXCEEDANCES = 30;
    /** Largest share of rows below u (reached by small samples, where k = {@value #MIN_EXCEEDANCES}). */
    public static final double MAX_TAIL_FRACTION = 0.2;
    /** Most exceedances: beyond this, more data move u further into the tail instead. */
    public static final int MAX_EXCEEDANCES = 1000;

    private final double[] sorted;
    private final int k;
    private final double u;
    private final double tailWeight;
    private final GeneralizedPareto gpd;

    private LowerTail(double[] sorted, int k, GeneralizedPareto gpd) {
        this.sorted = sorted;
        this.k = k;
        this.u = sorted[k];
        this.tailWeight = (double) k / (sorted.length - 1);
        this.gpd = gpd;
    }

    /** Rows a sample needs for a fitted tail: {@value #MIN_EXCEEDANCES} exceedances at most a share
     * {@value #MAX_TAIL_FRACTION} of it. */
    public static int minRows() {
        return (int) Math.ceil(MIN_EXCEEDANCES / MAX_TAIL_FRACTION);
    }

    /**
     * Fits the tail of {@code values} (finite; copied and sorted here).
     *
     * @throws IllegalArgumentException with fewer than {@link #minRows()} values or a non-finite one
     */
    public static LowerTail fit(double[] values, GpdFitter fitter) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length < minRows()) {
            throw new IllegalArgumentException("a fitted tail needs at least " + minRows() + " values, got "
                    + s.length);
        }
        if (!Double.isFinite(s[0]) || !Double.isFinite(s[s.length - 1])) {
            throw new IllegalArgumentException("log-densities must be finite");
        }
        int k = exceedances(s.length);
        double u = s[k];
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            y[i] = u - s[i];
        }
        GeneralizedPareto g = y[0] > 0 ? fitter.fit(y) : null; // all tail values tied at u: no spread to fit
        return new LowerTail(s, k, g);
    }

    static int exceedances(int n) {
        int k = (int) Math.ceil(TAIL_FRACTION * n);
        return Math.max(MIN_EXCEEDANCES, Math.min(MAX_EXCEEDANCES, k));
    }

    public int count() {
        return sorted.length;
    }

    /** Number of exceedances the GPD was fitted on. */
    public int exceedances() {
        return k;
    }

    /** The tail threshold u (log-density). */
    public double tailThreshold() {
        return u;
    }

    /** p_u: probability of a log-density below u. */
    public double tailWeight() {
        return tailWeight;
    }

    /** The fitted exceedance law, or null when every tail value equals u (degenerate data). */
    public GeneralizedPareto gpd() {
        return gpd;
    }

    /**
     * The log-density below which a share {@code q} of this context's normal events falls: the type-7 empirical
     * quantile for q ≥ p_u, u − y_q with S(y_q) = q/p_u below it.
     */
    public double quantile(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1): " + q);
        }
        if (q >= tailWeight || gpd == null) {
            return ThresholdCalibrator.quantile(sorted, q);
        }
        return u - gpd.quantileOfSurvival(q / tailWeight);
    }

    /**
     * P(ℓ' ≤ ℓ) for a normal event of this context: the inverse of {@link #quantile}, so
     * {@code pValue(quantile(q)) == q}. Monotone non-decreasing in ℓ; 0 only beyond the end point of a ξ &lt; 0 tail.
     */
    public double pValue(double logDensity) {
        if (Double.isNaN(logDensity)) {
            return Double.NaN;
        }
        if (logDensity < u && gpd != null) {
            return tailWeight * gpd.survival(u - logDensity);
        }
        int n = sorted.length;
        if (logDensity >= sorted[n - 1]) {
            return 1;
        }
        if (logDensity <= sorted[0]) {
            return 0;
        }
        int i = Arrays.binarySearch(sorted, logDensity);
        if (i >= 0) {
            while (i + 1 < n && sorted[i + 1] == logDensity) {
                i++; // right-continuous at ties, as a CDF is
            }
            return (double) i / (n - 1);
        }
        int hi = -i - 1;
        int lo = hi - 1;
        double frac = (logDensity - sorted[lo]) / (sorted[hi] - sorted[lo]);
        return (lo + frac) / (n - 1);
    }

    /**
     * A threshold with its 95 % bootstrap interval, and the rate ratios (rate / q under the fitted estimator) at its
     * ends: the spread to expect of the observed alert rate on fresh data from calibration noise alone. Computed for
     * the thresholds as stored by {@link TailCalibration#interval} ({@link ThresholdBootstrap}), which resamples a
     * node with its own threshold exactly as this tail was fitted (u, k and the GPD refitted per replicate).
     */
    public record Interval(double threshold, double low, double high, double rateRatioLow, double rateRatioHigh) {
    }
}
