package io.normalcy.flow.transform;

/**
 * One invertible, differentiable map of a normalizing flow, evaluated in {@code double} on plain arrays.
 *
 * <p>The direction convention is data → noise: {@link #forward} is what density evaluation uses
 * (x → z plus log|det ∂z/∂x|), {@link #inverse} is what sampling uses. Implementations must not
 * allocate in {@code forward}: the detector calls it once per record per block.
 */
public interface Transform {
    /** Number of dimensions D (input and output). */
    int dim();

    /**
     * x → z. Writes z into {@code out} ({@code out != x}), returns log|det ∂z/∂x|.
     *
     * @param ctx    encoded context vector (length C, may be length 0)
     * @param perDim nullable; per output position, the log-det terms are ADDED to {@code perDim[i]}
     */
    double forward(double[] x, double[] ctx, double[] out, double[] perDim);

    /** Exact inverse z → x ({@code out != z}). */
    void inverse(double[] z, double[] ctx, double[] out);

    /**
     * Whether output i is an increasing affine function of input i whose slope and offset depend only on the inputs
     * before i and the context. Then, with x_&lt;i fixed, x_i → z_i is a 1-D increasing affine map, so the exact
     * conditional p(x_i | x_&lt;i, c) follows from the base conditional by that map ({@link Flow#conditionalQuantiles}).
     * False (the safe default) for maps that mix coordinates (LU linear, permutations, couplings).
     */
    default boolean preservesNaturalOrder() {
        return false;
    }
}
