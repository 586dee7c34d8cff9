package io.normalcy.flow.simd;

import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float SIMD variant of {@link MaskedAffineAutoregressive} (MAF block, RealNVP coupling, NICE): the MADE
 * network runs in float ({@link VectorMade}); the affine map, α = clamp·tanh(raw/clamp), exp and the log-det run
 * in double on the double input, D lanes at a time (the JDK's vector tanh/exp: per record they cost as much as the
 * network when done one coordinate at a time), so float rounding enters only through μ and α (|Δ log p| ≤ 1e-4
 * against the scalar kernel for log-densities of ordinary size, {@code SimdKernelParityTest}). The inverse
 * (sampling) delegates to the scalar kernel.
 */
final class VectorMaskedAffine implements Transform {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private final MaskedAffineAutoregressive scalar;
    private final VectorMade made;
    private final int[] inOrder;
    private final int dim;
    private final int padded;
    private final boolean additive;
    private final double clamp;
    private final ThreadLocal<double[][]> scratch;

    VectorMaskedAffine(MaskedAffineAutoregressive scalar) {
        this.scalar = scalar;
        this.made = new VectorMade(scalar.packed());
        this.inOrder = made.inOrder();
        this.dim = scalar.dim();
        this.additive = scalar.additive();
        this.clamp = scalar.scaleClamp();
        int lanes = SPECIES.length();
        this.padded = (dim + lanes - 1) / lanes * lanes;
        int n = padded;
        // x, μ, raw α, then α and z out; padded lanes hold zeros (finite results that are never read)
        scratch = ThreadLocal.withInitial(() -> new double[5][n]);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        float[] o = made.run(x, ctx);
        if (additive) {
            for (int p = 0; p < dim; p++) {
                int i = inOrder[p];
                out[i] = x[i] - o[p];
            }
            return 0;
        }
        double[][] s = scratch.get();
        double[] xs = s[0];
        double[] mu = s[1];
        double[] raw = s[2];
        double[] alpha = s[3];
        double[] z = s[4];
        for (int p = 0; p < dim; p++) {
            xs[p] = x[inOrder[p]];
            mu[p] = o[2 * p];
            raw[p] = o[2 * p + 1];
        }
        for (int p = 0; p < padded; p += SPECIES.length()) {
            DoubleVector a = DoubleVector.fromArray(SPECIES, raw, p).div(clamp).lanewise(VectorOperators.TANH)
                    .mul(clamp);
            a.intoArray(alpha, p);
            DoubleVector.fromArray(SPECIES, xs, p).sub(DoubleVector.fromArray(SPECIES, mu, p))
                    .mul(a.neg().lanewise(VectorOperators.EXP)).intoArray(z, p);
        }
        double ld = 0;
        for (int p = 0; p < dim; p++) {
            int i = inOrder[p];
            out[i] = z[p];
            ld -= alpha[p];
            if (perDim != null) {
                perDim[i] -= alpha[p];
            }
        }
        return ld;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        scalar.inverse(z, ctx, out);
    }

    @Override
    public boolean preservesNaturalOrder() {
        return scalar.preservesNaturalOrder();
    }
}
