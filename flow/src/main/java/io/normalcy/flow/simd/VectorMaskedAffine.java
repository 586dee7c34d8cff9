package io.normalcy.flow.simd;

import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;

/**
 * The float SIMD variant of {@link MaskedAffineAutoregressive} (MAF block, RealNVP coupling, NICE): the MADE
 * network runs in float ({@link VectorMade}); the affine map, the soft clamp, exp and the log-det sums run in double
 * on the double input, so float rounding enters only through μ and α (|Δ log p| ≤ 1e-4 against the scalar kernel
 * for inputs of ordinary size, {@code SimdKernelParityTest}). The inverse (sampling) delegates to the scalar kernel.
 */
final class VectorMaskedAffine implements Transform {
    private final MaskedAffineAutoregressive scalar;
    private final VectorMade made;
    private final int[] inOrder;
    private final int dim;
    private final boolean additive;
    private final double clamp;

    VectorMaskedAffine(MaskedAffineAutoregressive scalar) {
        this.scalar = scalar;
        this.made = new VectorMade(scalar.packed());
        this.inOrder = made.inOrder();
        this.dim = scalar.dim();
        this.additive = scalar.additive();
        this.clamp = scalar.scaleClamp();
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        float[] o = made.run(x, ctx);
        double ld = 0;
        for (int p = 0; p < dim; p++) {
            int i = inOrder[p];
            if (additive) {
                out[i] = x[i] - o[p];
            } else {
                double a = MaskedAffineAutoregressive.softClamp(o[2 * p + 1], clamp);
                out[i] = (x[i] - o[2 * p]) * Math.exp(-a);
                ld -= a;
                if (perDim != null) {
                    perDim[i] -= a;
                }
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
