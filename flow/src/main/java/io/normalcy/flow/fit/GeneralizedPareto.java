package io.normalcy.flow.fit;

/**
 * Generalised Pareto distribution of exceedances y ≥ 0 over a high threshold, survival function
 * S(y) = (1 + ξ·y/σ)^(−1/ξ), and S(y) = exp(−y/σ) for ξ = 0. By the Pickands–Balkema–de Haan theorem (Pickands 1975;
 * Balkema and de Haan 1974) it is the limit law of exceedances over a rising threshold for essentially every
 * continuous distribution, which is what licenses extrapolating a tail fitted on the k most extreme points beyond the
 * data (Coles 2001, <i>An Introduction to Statistical Modeling of Extreme Values</i>, ch. 4). ξ &gt; 0 is a heavy
 * (polynomial) tail, ξ = 0 an exponential one, ξ &lt; 0 a tail with a finite end point at σ/|ξ|.
 *
 * @param shape ξ, finite
 * @param scale σ &gt; 0
 */
public record GeneralizedPareto(double shape, double scale) {
    /** |ξ| below this is treated as 0 (the closed forms lose precision, the exponential limit does not). */
    static final double EXPONENTIAL_EPS = 1e-9;

    public GeneralizedPareto {
        if (!Double.isFinite(shape)) {
            throw new IllegalArgumentException("GPD shape is not finite: " + shape);
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("GPD scale must be finite and > 0: " + scale);
        }
    }

    /** The exponential distribution with mean {@code scale} (ξ = 0). */
    public static GeneralizedPareto exponential(double scale) {
        return new GeneralizedPareto(0, scale);
    }

    /** P(Y &gt; y): 1 for y ≤ 0, 0 beyond the end point of a ξ &lt; 0 tail. */
    public double survival(double y) {
        if (y <= 0) {
            return 1;
        }
        if (Math.abs(shape) < EXPONENTIAL_EPS) {
            return Math.exp(-y / scale);
        }
        double t = 1 + shape * y / scale;
        return t <= 0 ? 0 : Math.exp(-Math.log(t) / shape);
    }

    /** The y with P(Y &gt; y) = {@code p}, for p in (0, 1]: σ/ξ·(p^(−ξ) − 1), or −σ·log p for ξ = 0. */
    public double quantileOfSurvival(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("survival probability must be in (0, 1]: " + p);
        }
        double logP = Math.log(p);
        if (Math.abs(shape) < EXPONENTIAL_EPS) {
            return -scale * logP;
        }
        return scale * Math.expm1(-shape * logP) / shape;
    }

    /** Log-likelihood of exceedances {@code y} (all ≥ 0); −∞ when one lies beyond the end point. */
    public double logLikelihood(double[] y) {
        double sum = -y.length * Math.log(scale);
        if (Math.abs(shape) < EXPONENTIAL_EPS) {
            for (double v : y) {
                sum -= v / scale;
            }
            return sum;
        }
        double c = 1 + 1 / shape;
        for (double v : y) {
            double t = 1 + shape * v / scale;
            if (t <= 0) {
                return Double.NEGATIVE_INFINITY;
            }
            sum -= c * Math.log(t);
        }
        return sum;
    }

    /** A draw by inversion from a uniform in (0, 1] (for simulation in tests and bootstraps). */
    public double sample(java.util.Random rng) {
        return quantileOfSurvival(1 - rng.nextDouble());
    }
}
