package io.normalcy.flow.simd;

import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.StandardNormal;
import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float SIMD variant of the MAF_MOG base density {@link MadeMixture}: the MADE network runs in float
 * ({@link VectorMade}); its output is widened to double and transposed component-major, and every coordinate's
 * mixture log-density (the same two stable log-sum-exps as {@link MadeMixture#conditional}) is computed in double
 * for a vector of coordinates at once: the 3K exponentials and tanh per coordinate cost more than the network when
 * done one at a time. Sampling and quantiles (not per record) delegate to the scalar kernel.
 */
final class VectorMadeMixture implements BaseDensity {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final double CLAMP = MadeMixture.LOG_SCALE_CLAMP;

    private final MadeMixture scalar;
    private final VectorMade made;
    private final int dim;
    private final int components;
    /** D rounded up to whole vectors; padded lanes hold zeros (finite results that are never read). */
    private final int padded;
    private final ThreadLocal<double[][]> scratch;

    VectorMadeMixture(MadeMixture scalar) {
        this.scalar = scalar;
        this.made = new VectorMade(scalar.packed());
        this.dim = scalar.dim();
        this.components = scalar.components();
        int lanes = SPECIES.length();
        this.padded = (dim + lanes - 1) / lanes * lanes;
        int n = padded;
        int k = components;
        // z, per-coordinate result, then [K·padded] logits, means, raw log-scales and the a terms
        scratch = ThreadLocal.withInitial(() -> new double[][] {new double[n], new double[n], new double[k * n],
                new double[k * n], new double[k * n], new double[k * n]});
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double logProb(double[] z, double[] ctx, double[] perDim) {
        float[] o = made.run(z, ctx);
        double[][] s = scratch.get();
        double[] zs = s[0];
        double[] logit = s[2];
        double[] mean = s[3];
        double[] raw = s[4];
        int kk = components;
        int n = padded;
        for (int i = 0; i < dim; i++) {
            zs[i] = z[i];
            int base = i * 3 * kk;
            for (int t = 0; t < kk; t++) {
                logit[t * n + i] = o[base + t];
                mean[t * n + i] = o[base + kk + t];
                raw[t * n + i] = o[base + 2 * kk + t];
            }
        }
        for (int i0 = 0; i0 < n; i0 += SPECIES.length()) {
            conditionals(s, i0);
        }
        double[] cond = s[1];
        double total = 0;
        for (int i = 0; i < dim; i++) {
            total += cond[i];
            if (perDim != null) {
                perDim[i] += cond[i];
            }
        }
        return total;
    }

    /** log Σ_k π_k N(z_i; μ_k, σ_k²) for the coordinates i0.. of one vector, into s[1]. */
    private void conditionals(double[][] s, int i0) {
        int n = padded;
        double[] logit = s[2];
        double[] mean = s[3];
        double[] raw = s[4];
        double[] terms = s[5];
        DoubleVector z = DoubleVector.fromArray(SPECIES, s[0], i0);
        DoubleVector maxLogit = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
        DoubleVector maxA = maxLogit;
        for (int t = 0; t < components; t++) {
            int at = t * n + i0;
            DoubleVector l = DoubleVector.fromArray(SPECIES, logit, at);
            DoubleVector ls = DoubleVector.fromArray(SPECIES, raw, at).div(CLAMP).lanewise(VectorOperators.TANH)
                    .mul(CLAMP);
            DoubleVector u = z.sub(DoubleVector.fromArray(SPECIES, mean, at)).mul(ls.neg().lanewise(VectorOperators.EXP));
            DoubleVector a = l.sub(ls).sub(u.mul(u).mul(0.5));
            a.intoArray(terms, at);
            maxLogit = maxLogit.max(l);
            maxA = maxA.max(a);
        }
        DoubleVector sumLogit = DoubleVector.zero(SPECIES);
        DoubleVector sumA = sumLogit;
        for (int t = 0; t < components; t++) {
            int at = t * n + i0;
            sumLogit = sumLogit.add(DoubleVector.fromArray(SPECIES, logit, at).sub(maxLogit)
                    .lanewise(VectorOperators.EXP));
            sumA = sumA.add(DoubleVector.fromArray(SPECIES, terms, at).sub(maxA).lanewise(VectorOperators.EXP));
        }
        maxA.add(sumA.lanewise(VectorOperators.LOG)).sub(maxLogit).sub(sumLogit.lanewise(VectorOperators.LOG))
                .sub(StandardNormal.HALF_LOG_2PI).intoArray(s[1], i0);
    }

    @Override
    public void sample(Random rng, double[] ctx, double[] out) {
        scalar.sample(rng, ctx, out);
    }

    @Override
    public void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out, int[] coords) {
        scalar.conditionalQuantiles(z, ctx, probs, out, coords);
    }
}
