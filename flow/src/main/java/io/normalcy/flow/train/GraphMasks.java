package io.normalcy.flow.train;

import io.normalcy.flow.model.Tensor;

/**
 * Binary masks of the SameDiff graph, built once as constants (design contract, "Parameterisation").
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

    /** Hidden degrees of a layer of {@code width} units: dmin + (j mod (dmax − dmin)), or dmin if equal. */
    static int[] hiddenDegrees(int[] inputDegrees, int width) {
        int dmin = Integer.MAX_VALUE;
        int dmax = Integer.MIN_VALUE;
        for (int d : inputDegrees) {
            dmin = Math.min(dmin, d);
            dmax = Math.max(dmax, d);
        }
        int[] h = new int[width];
        for (int j = 0; j < width; j++) {
            h[j] = dmax == dmin ? dmin : dmin + (j % (dmax - dmin));
        }
        return h;
    }

    /** M[j,i] = out[j] ≥ in[i] (input→hidden and hidden→hidden), row-major [out, in]. */
    static float[] hiddenMask(int[] outDeg, int[] inDeg) {
        float[] m = new float[outDeg.length * inDeg.length];
        for (int j = 0; j < outDeg.length; j++) {
            for (int i = 0; i < inDeg.length; i++) {
                m[j * inDeg.length + i] = outDeg[j] >= inDeg[i] ? 1f : 0f;
            }
        }
        return m;
    }

    /** Mout[o,j] = deg[o mod D] > hdeg[j], rows 0..D−1 for μ and D..2D−1 for raw α; [2D, H]. */
    static float[] outputMask(int[] deg, int[] hiddenDeg) {
        int d = deg.length;
        float[] m = new float[2 * d * hiddenDeg.length];
        for (int o = 0; o < 2 * d; o++) {
            for (int j = 0; j < hiddenDeg.length; j++) {
                m[o * hiddenDeg.length + j] = deg[o % d] > hiddenDeg[j] ? 1f : 0f;
            }
        }
        return m;
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
