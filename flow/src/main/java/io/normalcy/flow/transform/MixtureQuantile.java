package io.normalcy.flow.transform;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Quantiles of a one-dimensional Gaussian mixture, for {@link MadeMixture}'s expected ranges: the mixture CDF has no
 * closed-form inverse, so it is solved numerically between the extreme component quantiles (where the root must lie).
 */
final class MixtureQuantile {
    private MixtureQuantile() {
    }

    /** The p-quantile of Σ_k w_k N(μ_k, σ_k²) (weights summing to 1). */
    static double of(double[] w, double[] mu, double[] sigma, double p) {
        double q = StandardNormal.inverseCdf(p);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < w.length; t++) {
            lo = Math.min(lo, mu[t] + sigma[t] * q);
            hi = Math.max(hi, mu[t] + sigma[t] * q);
        }
        boolean upper = p > 0.5;
        double target = upper ? 1 - p : p;
        UnivariateFunction f = v -> {
            double c = 0;
            for (int t = 0; t < w.length; t++) {
                c += w[t] * StandardNormal.cdf((upper ? mu[t] - v : v - mu[t]) / sigma[t]);
            }
            return upper ? target - c : c - target;
        };
        if (!(hi > lo) || f.value(lo) >= 0) {
            return lo;
        }
        if (f.value(hi) <= 0) {
            return hi;
        }
        double minSigma = Double.POSITIVE_INFINITY;
        for (double sg : sigma) {
            minSigma = Math.min(minSigma, sg);
        }
        return new BrentSolver(1e-15, 1e-12 * minSigma).solve(10_000, f, lo, hi);
    }
}
