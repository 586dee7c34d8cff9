package io.normalcy.flow.transform;

/**
 * Degree bookkeeping of MADE (Germain et al. 2015), exactly as fixed in {@code docs/design.md}, shared by
 * the Java kernel, the parameter initialiser and the SameDiff graph (which multiplies weights by these
 * masks). An output of degree d may only see inputs of degree &lt; d, which makes the network's Jacobian
 * triangular in degree order.
 */
public final class MadeMasks {
    private MadeMasks() {
    }

    /** hdeg[j] = dmax == dmin ? dmin : dmin + (j mod (dmax − dmin)). */
    public static int[] hiddenDegrees(int[] inputDegrees, int width) {
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

    /** Input→hidden mask [H, D] row-major: M0[j,i] = hdeg[j] ≥ deg[i]. */
    public static float[] inputMask(int[] inputDegrees, int[] hiddenDegrees) {
        return greaterOrEqual(hiddenDegrees, inputDegrees);
    }

    /** Hidden→hidden mask [H_out, H_in]: M[j,i] = hdegOut[j] ≥ hdegIn[i]. */
    public static float[] hiddenMask(int[] outDegrees, int[] inDegrees) {
        return greaterOrEqual(outDegrees, inDegrees);
    }

    /** Hidden→output mask [2D, H]: Mout[o,j] = deg[o mod D] &gt; hdeg[j] (rows D..2D−1 are the α rows). */
    public static float[] outputMask(int[] inputDegrees, int[] hiddenDegrees) {
        int d = inputDegrees.length;
        int h = hiddenDegrees.length;
        float[] m = new float[2 * d * h];
        for (int o = 0; o < 2 * d; o++) {
            for (int j = 0; j < h; j++) {
                m[o * h + j] = inputDegrees[o % d] > hiddenDegrees[j] ? 1f : 0f;
            }
        }
        return m;
    }

    private static float[] greaterOrEqual(int[] rows, int[] cols) {
        float[] m = new float[rows.length * cols.length];
        for (int j = 0; j < rows.length; j++) {
            for (int i = 0; i < cols.length; i++) {
                m[j * cols.length + i] = rows[j] >= cols[i] ? 1f : 0f;
            }
        }
        return m;
    }
}
