package io.normalcy.flow.simd;

import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float SIMD variant of {@link MaskedAffineAutoregressive} (MAF block, RealNVP coupling, NICE): the MADE
 * network runs in float ({@link VectorMade}), and so do the affine map, α = clamp·tanh(raw/clamp) and exp, a whole
 * vector of coordinates at a time ({@link VectorMath}; twice as many float lanes as double lanes fit a vector). x − μ is formed as
 * (float(x) − μ) + (x − float(x)), so the rounding of the input to float does not enter z beyond the float rounding of
 * z itself; the log-det is summed in double. Float rounding thus enters through μ, α, exp and z (|Δ log p| ≤ 1e-4
 * against the scalar kernel for log-densities of ordinary size, {@code SimdKernelParityTest}). The inverse
 * (sampling) delegates to the scalar kernel.
 */
final class VectorMaskedAffine implements Transform {
    private static final VectorSpecies<Float> SPECIES = VectorMade.SPECIES;
    private static final int LANES = VectorMade.LANES;

    private final MaskedAffineAutoregressive scalar;
    private final VectorMade made;
    private final int[] inOrder;
    private final int dim;
    /** D rounded up to whole vectors: the stride of the work space (μ; raw α → α; e^−α → z); padded lanes are 0. */
    private final int padded;
    private final boolean additive;
    private final float clamp;
    private final float inverseClamp;

    VectorMaskedAffine(MaskedAffineAutoregressive scalar) {
        this.scalar = scalar;
        this.dim = scalar.dim();
        this.padded = (dim + LANES - 1) / LANES * LANES;
        this.made = new VectorMade(scalar.packed(), 3 * padded);
        this.inOrder = made.inOrder();
        this.additive = scalar.additive();
        this.clamp = (float) scalar.scaleClamp();
        this.inverseClamp = (float) (1.0 / scalar.scaleClamp());
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        VectorMade.Scratch s = made.run(x, ctx);
        float[] o = s.out();
        if (additive) {
            for (int p = 0; p < dim; p++) {
                int i = inOrder[p];
                out[i] = x[i] - o[p];
            }
            return 0;
        }
        float[] w = s.work;
        int n = padded;
        // μ and raw α come interleaved (o[2p], o[2p + 1]: one network row covers both under the same mask)
        for (int p = 0; p < dim; p++) {
            w[p] = o[2 * p];
            w[n + p] = o[2 * p + 1];
        }
        VectorMath.tanh(w, n, 2 * n, inverseClamp, clamp);
        for (int p = 0; p < n; p += LANES) {
            FloatVector.fromArray(SPECIES, w, n + p).neg().intoArray(w, 2 * n + p);
        }
        VectorMath.exp(w, 2 * n, 3 * n);
        for (int p = 0; p < n; p += LANES) {
            FloatVector.fromArray(SPECIES, s.x, p).sub(FloatVector.fromArray(SPECIES, w, p))
                    .add(FloatVector.fromArray(SPECIES, s.residual, p))
                    .mul(FloatVector.fromArray(SPECIES, w, 2 * n + p)).intoArray(w, 2 * n + p);
        }
        double ld = 0;
        for (int p = 0; p < dim; p++) {
            int i = inOrder[p];
            double alpha = w[n + p];
            out[i] = w[2 * n + p];
            ld -= alpha;
            if (perDim != null) {
                perDim[i] -= alpha;
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
