package io.normalcy.flow.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The normal CDF behind the expected ranges and the mixture quantile solved with it, against the reference they
 * replaced: commons-math3's continued-fraction {@code Erf.erfc} (accurate but slow; see {@link StandardNormal#cdf}).
 * A faster CDF must agree with it to ~1e-13 relative everywhere a double can hold Φ, deep lower tail included, and
 * the quantile solved with it must stay within the solver's own tolerance of the reference solve.
 */
class StandardNormalTest {
    private static double referenceCdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    @Test
    void cdfMatchesTheContinuedFractionReferenceOnAGridIncludingTheTails() {
        double worst = 0;
        double worstAt = Double.NaN;
        for (int k = -37_000; k <= 9_000; k++) {
            double x = k / 1000.0;
            double ref = referenceCdf(x);
            double got = StandardNormal.cdf(x);
            assertTrue(ref > 0 && ref <= 1, "reference at " + x + ": " + ref);
            double rel = Math.abs(got - ref) / ref;
            if (rel > worst) {
                worst = rel;
                worstAt = x;
            }
        }
        assertTrue(worst <= 1e-12, "worst relative difference " + worst + " at x = " + worstAt);
    }

    @Test
    void cdfKnownValuesAndSymmetry() {
        assertEquals(0.5, StandardNormal.cdf(0.0), 0.0);
        // Φ(−1.959963984540054) = 0.025 (the 97.5 % quantile of N(0, 1))
        assertEquals(0.025, StandardNormal.cdf(-1.959963984540054), 1e-15);
        for (double x = 0.05; x < 8; x += 0.05) {
            assertEquals(1.0, StandardNormal.cdf(x) + StandardNormal.cdf(-x), 2e-16, "x = " + x);
        }
        assertEquals(0.0, StandardNormal.cdf(-40), 0.0);
        assertEquals(1.0, StandardNormal.cdf(40), 0.0);
    }

    /**
     * Random mixtures of 1–8 components with spread-out means and scales: the quantiles the detector asks for
     * (0.5 % / 99.5 %, and a few others) agree with the same Brent solve on the reference CDF within the solver's
     * tolerance (1e-12 of the smallest σ, 2e-15 relative, 1e-15 in probability), far below the 4 significant digits
     * an alert shows.
     */
    @Test
    void mixtureQuantileMatchesTheReferenceSolve() {
        Random rng = new Random(7);
        double[] probs = {0.005, 0.995, 0.025, 0.975, 0.5, 1e-6, 1 - 1e-6};
        for (int trial = 0; trial < 2_000; trial++) {
            int kk = 1 + rng.nextInt(8);
            double[] w = new double[kk];
            double[] mu = new double[kk];
            double[] sigma = new double[kk];
            double sum = 0;
            for (int t = 0; t < kk; t++) {
                w[t] = Math.exp(3 * rng.nextGaussian());
                sum += w[t];
                mu[t] = 4 * rng.nextGaussian();
                sigma[t] = Math.exp(MadeMixture.LOG_SCALE_CLAMP * (2 * rng.nextDouble() - 1));
            }
            double minSigma = Double.POSITIVE_INFINITY;
            for (int t = 0; t < kk; t++) {
                w[t] /= sum;
                minSigma = Math.min(minSigma, sigma[t]);
            }
            for (double p : probs) {
                double ref = referenceQuantile(w, mu, sigma, p);
                double got = MixtureQuantile.of(w, mu, sigma, p);
                // Brent stops when the bracket's half-width is within 2·1e-15·|x| + 1e-12·σ_min (so a solve is within
                // twice that of the root, two solves within four times), or at a point whose |F − p| ≤ 1e-15 (its
                // default function accuracy), which is within 1e-15 / density of the root
                double tol = 4 * (2e-15 * Math.abs(ref) + 1e-12 * minSigma) + 4e-15 / density(w, mu, sigma, ref)
                        + 2 * Math.ulp(ref);
                assertEquals(ref, got, tol, "trial " + trial + ", p = " + p);
            }
        }
    }

    private static double density(double[] w, double[] mu, double[] sigma, double x) {
        double d = 0;
        for (int t = 0; t < w.length; t++) {
            double z = (x - mu[t]) / sigma[t];
            d += w[t] * Math.exp(-0.5 * z * z) / (sigma[t] * Math.sqrt(2 * Math.PI));
        }
        return d;
    }

    /** {@code MixtureQuantile.of} as it was with commons-math3's erfc: the reference the fast CDF must reproduce. */
    private static double referenceQuantile(double[] w, double[] mu, double[] sigma, double p) {
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
                c += w[t] * referenceCdf((upper ? mu[t] - v : v - mu[t]) / sigma[t]);
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
