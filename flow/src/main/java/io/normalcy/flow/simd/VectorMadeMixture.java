package io.normalcy.flow.simd;

import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.StandardNormal;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float SIMD variant of the MAF_MOG base density {@link MadeMixture}: the MADE network runs in float
 * ({@link VectorMade}); its output is transposed component-major and every coordinate's mixture log-density (the
 * same two stable log-sum-exps as {@link MadeMixture#conditional}) is computed in float for a vector of
 * coordinates at once ({@link VectorMath}): the 3K exponentials, K tanh and 2 logs per coordinate cost more than the
 * network when done one at a time, and a float vector holds twice the coordinates of a double one. z − μ is formed as (float(z) − μ) +
 * (z − float(z)) so the input's rounding to float does not enter u; the constant −log √(2π) and the sums over
 * coordinates are in double. Sampling and quantiles (not per record) delegate to the scalar kernel.
 */
final class VectorMadeMixture implements BaseDensity {
    private static final VectorSpecies<Float> SPECIES = VectorMade.SPECIES;
    private static final int LANES = VectorMade.LANES;
    private static final float CLAMP = (float) MadeMixture.LOG_SCALE_CLAMP;
    private static final float INVERSE_CLAMP = (float) (1.0 / MadeMixture.LOG_SCALE_CLAMP);

    private final MadeMixture scalar;
    private final VectorMade made;
    private final int dim;
    private final int components;
    /** D rounded up to whole vectors: the stride of the transposed parameters; padded lanes stay zero. */
    private final int padded;
    /**
     * Work space, rows of {@link #padded}: 3K transposed parameter rows (logits, means, raw → clamped log-scales),
     * then K rows of 1/σ → logit − max → exp, K rows of the log terms a → a − max → exp, then the two maxima and the
     * two sums (→ their logs).
     */
    private final int scalesAt;
    private final int termsAt;
    private final int maxAt;
    private final int sumsAt;

    VectorMadeMixture(MadeMixture scalar) {
        this.scalar = scalar;
        this.dim = scalar.dim();
        this.components = scalar.components();
        this.padded = (dim + LANES - 1) / LANES * LANES;
        this.scalesAt = 3 * components * padded;
        this.termsAt = scalesAt + components * padded;
        this.maxAt = termsAt + components * padded;
        this.sumsAt = maxAt + 2 * padded;
        this.made = new VectorMade(scalar.packed(), sumsAt + 2 * padded);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double logProb(double[] z, double[] ctx, double[] perDim) {
        VectorMade.Scratch s = made.run(z, ctx);
        float[] o = s.out();
        float[] w = s.work;
        int k3 = 3 * components;
        int n = padded;
        // network output o[i·3K + t] (coordinate-major, which keeps its masks suffix-shaped) → w[t·padded + i]
        for (int i = 0; i < dim; i++) {
            int base = i * k3;
            for (int t = 0; t < k3; t++) {
                w[t * n + i] = o[base + t];
            }
        }
        int kn = components * n;
        VectorMath.tanh(w, 2 * kn, 3 * kn, INVERSE_CLAMP, CLAMP);
        for (int j = 0; j < kn; j += LANES) {
            FloatVector.fromArray(SPECIES, w, 2 * kn + j).neg().intoArray(w, scalesAt + j);
        }
        VectorMath.exp(w, scalesAt, scalesAt + kn);
        for (int i0 = 0; i0 < n; i0 += LANES) {
            terms(s, i0);
        }
        VectorMath.exp(w, scalesAt, scalesAt + 2 * kn);
        for (int i0 = 0; i0 < n; i0 += LANES) {
            FloatVector sumLogit = FloatVector.zero(SPECIES);
            FloatVector sumA = sumLogit;
            for (int t = 0; t < components; t++) {
                sumLogit = sumLogit.add(FloatVector.fromArray(SPECIES, w, scalesAt + t * n + i0));
                sumA = sumA.add(FloatVector.fromArray(SPECIES, w, termsAt + t * n + i0));
            }
            sumLogit.intoArray(w, sumsAt + i0);
            sumA.intoArray(w, sumsAt + n + i0);
        }
        // both sums are in [1, K]: their largest term is e^0
        VectorMath.log(w, sumsAt, sumsAt + 2 * n);
        double total = 0;
        for (int i = 0; i < dim; i++) {
            double c = (double) w[maxAt + n + i] + w[sumsAt + n + i] - w[maxAt + i] - w[sumsAt + i]
                    - StandardNormal.HALF_LOG_2PI;
            total += c;
            if (perDim != null) {
                perDim[i] += c;
            }
        }
        return total;
    }

    /**
     * For the coordinates i0.. of one vector and every component t: the log term a_t = logit_t − log σ_t − u²/2 with
     * u = (z − μ_t)/σ_t, then both maxima over t, and the shifted logits and terms (the exp arguments of the two
     * log-sum-exps of log Σ_t π_t N(z; μ_t, σ_t²) + log √(2π)).
     */
    private void terms(VectorMade.Scratch s, int i0) {
        float[] w = s.work;
        int n = padded;
        int kk = components;
        FloatVector z = FloatVector.fromArray(SPECIES, s.x, i0);
        FloatVector zr = FloatVector.fromArray(SPECIES, s.residual, i0);
        FloatVector maxLogit = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxA = maxLogit;
        for (int t = 0; t < kk; t++) {
            int at = t * n + i0;
            FloatVector l = FloatVector.fromArray(SPECIES, w, at);
            FloatVector u = z.sub(FloatVector.fromArray(SPECIES, w, kk * n + at)).add(zr)
                    .mul(FloatVector.fromArray(SPECIES, w, scalesAt + at));
            FloatVector a = l.sub(FloatVector.fromArray(SPECIES, w, 2 * kk * n + at)).sub(u.mul(u).mul(0.5f));
            a.intoArray(w, termsAt + at);
            maxLogit = maxLogit.max(l);
            maxA = maxA.max(a);
        }
        for (int t = 0; t < kk; t++) {
            int at = t * n + i0;
            FloatVector.fromArray(SPECIES, w, at).sub(maxLogit).intoArray(w, scalesAt + at);
            FloatVector.fromArray(SPECIES, w, termsAt + at).sub(maxA).intoArray(w, termsAt + at);
        }
        maxLogit.intoArray(w, maxAt + i0);
        maxA.intoArray(w, maxAt + n + i0);
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
