package io.normalcy.flow.simd;

import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import java.util.Random;

/**
 * The float SIMD variant of the MAF_MOG base density {@link MadeMixture}: the MADE network runs in float
 * ({@link VectorMade}); its output is widened to double and each coordinate's log-sum-exp is
 * {@link MadeMixture#conditional}, the scalar kernel's own code. Sampling and quantiles (not per record) delegate
 * to the scalar kernel.
 */
final class VectorMadeMixture implements BaseDensity {
    private final MadeMixture scalar;
    private final VectorMade made;
    private final int dim;
    private final int components;
    private final ThreadLocal<double[][]> scratch;

    VectorMadeMixture(MadeMixture scalar) {
        this.scalar = scalar;
        this.made = new VectorMade(scalar.packed());
        this.dim = scalar.dim();
        this.components = scalar.components();
        int out = 3 * components * dim;
        int k = components;
        scratch = ThreadLocal.withInitial(() -> new double[][] {new double[out], new double[k]});
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double logProb(double[] z, double[] ctx, double[] perDim) {
        float[] o = made.run(z, ctx);
        double[][] s = scratch.get();
        double[] od = s[0];
        for (int t = 0; t < od.length; t++) {
            od[t] = o[t];
        }
        double total = 0;
        for (int i = 0; i < dim; i++) {
            double t = MadeMixture.conditional(od, i, components, z[i], s[1]);
            total += t;
            if (perDim != null) {
                perDim[i] += t;
            }
        }
        return total;
    }

    @Override
    public void sample(Random rng, double[] ctx, double[] out) {
        scalar.sample(rng, ctx, out);
    }

    @Override
    public void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out) {
        scalar.conditionalQuantiles(z, ctx, probs, out);
    }
}
