package io.normalcy.flow.transform;

/**
 * The mask-packed layout of one MADE network (Germain et al. 2015) as the scalar kernels build it, handed to
 * other kernels (the float SIMD kernel, {@code io.normalcy.flow.simd}) so that every kernel evaluates the same
 * network in the same internal order instead of re-deriving degrees, masks and orders on its own.
 *
 * <p>Layout: units of every layer are sorted by degree, so each input row is "suffix-shaped": row r is zero below
 * {@code from[r]} and holds the weights of outputs {@code from[r]..n−1}; {@code from} is non-decreasing in r.
 * Context rows are dense. The arrays are the scalar kernel's own: read them, never write them.
 *
 * @param inOrder    sorted position p → original input index (the first layer reads {@code x[inOrder[p]]})
 * @param contextDim C ≥ 0
 * @param layers     the hidden layers (ReLU) and last the output layer (linear)
 */
public record PackedMade(int[] inOrder, int contextDim, Layer[] layers) {

    /**
     * One affine layer: {@code y = bias + Σ_r inputRows[r]·in[r] + Σ_k contextRows[k]·c[k]}, then ReLU unless it is
     * the output layer.
     *
     * @param inputRows   one row per input (sorted order), of length {@code bias.length}, zero below {@code from}
     * @param from        first unmasked output of each input row
     * @param contextRows one dense row per context entry
     * @param bias        the layer's bias (sorted output order)
     */
    public record Layer(double[][] inputRows, int[] from, double[][] contextRows, double[] bias) {
        public int width() {
            return bias.length;
        }
    }
}
