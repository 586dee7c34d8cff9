package io.normalcy.flow.transform;

import java.util.Random;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/** Base density N(0, I): log N(z) = −½ Σ z² − (D/2) log 2π (ignores the context). */
public final class StandardNormal implements BaseDensity {
    /** ½ log 2π. */
    public static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final int dim;

    public StandardNormal(int dim) {
        this.dim = dim;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double logProb(double[] z, double[] ctx, double[] perDim) {
        return logProb(z, perDim);
    }

    @Override
    public void sample(Random rng, double[] ctx, double[] out) {
        sample(rng, out);
    }

    /** Coordinates are independent: every conditional is N(0, 1), whatever z. */
    @Override
    public void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out, int[] coords) {
        for (int k = 0; k < probs.length; k++) {
            double q = inverseCdf(probs[k]);
            if (coords == null) {
                java.util.Arrays.fill(out[k], 0, dim, q);
            } else {
                for (int i : coords) {
                    out[k][i] = q;
                }
            }
        }
    }

    /**
     * Φ(x), via erfc so the lower tail keeps its relative precision. The erfc is commons-numbers' port of Boost's
     * (rational approximations, about 1 ulp): commons-math3's {@code Erf.erfc} evaluates a regularised-gamma
     * continued fraction, and the expected-range solves call this once per mixture component and Brent step, so
     * it was most of an alert's cost (issue 14; docs/benchmarks.md, "Hot path, session 6"). The two agree within
     * 1e-12 relative down to Φ ≈ 1e-300 ({@code StandardNormalTest}).
     */
    public static double cdf(double x) {
        return 0.5 * Erfc.value(-x / Math.sqrt(2));
    }

    /** Φ⁻¹(p) for p in (0, 1). */
    public static double inverseCdf(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        return -Math.sqrt(2) * Erf.erfcInv(2 * p);
    }

    public double logProb(double[] z) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
            s += z[i] * z[i];
        }
        return -0.5 * s - dim * HALF_LOG_2PI;
    }

    /** Also ADDS −½ z_i² − ½ log 2π to perDim[i] (perDim nullable). */
    public double logProb(double[] z, double[] perDim) {
        if (perDim == null) {
            return logProb(z);
        }
        double s = 0;
        for (int i = 0; i < dim; i++) {
            double t = -0.5 * z[i] * z[i] - HALF_LOG_2PI;
            perDim[i] += t;
            s += t;
        }
        return s;
    }

    public void sample(Random rng, double[] out) {
        for (int i = 0; i < dim; i++) {
            out[i] = rng.nextGaussian();
        }
    }
}
