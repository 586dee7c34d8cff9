package io.normalcy.flow.train;

import io.normalcy.flow.model.Tensor;

/**
 * Constant masks of the SameDiff graph besides the MADE masks (those come from
 * {@link io.normalcy.flow.transform.MadeMasks}, shared with the Java kernel; the parity, finite-difference and
 * autoregressive-property tests check them), plus decoding of the integer-coded tensors.
 *
 * <p>MADE masks (Germain et al. 2015) make the masked network autoregressive in the input degrees:
 * a hidden unit of degree h sees inputs of degree ≤ h, and output o (for position o mod D) sees hidden
 * units of degree strictly below its own, so μ_i and α_i depend on x_&lt;i only (MAF, Papamakarios et al.
 * 2017). With two degrees the same construction yields the RealNVP coupling (Dinh et al. 2017). The LU
 * masks select the strict triangles of the Glow (Kingma &amp; Dhariwal 2018) LU factors.
 */
final class GraphMasks {
    private GraphMasks() {
    }

    /** Strict lower (lower = true) or strict upper triangle indicator, [D, D]. */
    static float[] strictTriangle(int d, boolean lower) {
        float[] m = new float[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                m[r * d + c] = (lower ? c < r : c > r) ? 1f : 0f;
            }
        }
        return m;
    }

    static float[] identity(int d) {
        float[] m = new float[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1f;
        }
        return m;
    }

    /** Decodes a float-coded integer tensor (degrees ≥ 1), naming the tensor on bad values. */
    static int[] degrees(String name, Tensor t, int d) {
        int[] deg = new int[d];
        for (int i = 0; i < d; i++) {
            float v = t.data()[i];
            if (!(v >= 1f) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "' must hold integers ≥ 1, got " + v
                        + " at index " + i);
            }
            deg[i] = (int) v;
        }
        return deg;
    }

    /** Decodes a float-coded permutation of 0..D−1, naming the tensor on bad values. */
    static int[] permutation(String name, Tensor t, int d) {
        int[] p = new int[d];
        boolean[] seen = new boolean[d];
        for (int i = 0; i < d; i++) {
            float v = t.data()[i];
            if (!(v >= 0f && v < d) || v != Math.rint(v) || seen[(int) v]) {
                throw new IllegalArgumentException("tensor '" + name + "' is not a permutation of 0.." + (d - 1)
                        + ": bad or repeated value " + v + " at index " + i);
            }
            seen[(int) v] = true;
            p[i] = (int) v;
        }
        return p;
    }
}
