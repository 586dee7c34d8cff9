package io.normalcy.flow.transform;

import java.util.Random;

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
