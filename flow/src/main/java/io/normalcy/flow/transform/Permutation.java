package io.normalcy.flow.transform;

import java.util.Arrays;

/**
 * Fixed reordering z_i = x_perm[i] (volume preserving, log-det 0). Used between coupling blocks so every
 * dimension is transformed (Dinh et al. 2017). The accumulated {@code perDim} terms are moved along with
 * their values, so a term keeps following the feature it was computed for.
 */
public final class Permutation implements Transform {
    private final int[] perm;
    private final int[] inversePerm;
    private final ThreadLocal<double[]> scratch;

    /** @throws IllegalArgumentException if {@code perm} is not a permutation of 0..D−1 */
    public Permutation(int[] perm) {
        this.perm = perm.clone();
        this.inversePerm = new int[perm.length];
        Arrays.fill(inversePerm, -1);
        for (int i = 0; i < perm.length; i++) {
            int p = perm[i];
            if (p < 0 || p >= perm.length || inversePerm[p] >= 0) {
                throw new IllegalArgumentException("not a permutation of 0.." + (perm.length - 1) + ": "
                        + Arrays.toString(perm));
            }
            inversePerm[p] = i;
        }
        int d = perm.length;
        this.scratch = ThreadLocal.withInitial(() -> new double[d]);
    }

    public int[] indices() {
        return perm.clone();
    }

    @Override
    public int dim() {
        return perm.length;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        for (int i = 0; i < perm.length; i++) {
            out[i] = x[perm[i]];
        }
        if (perDim != null) {
            double[] tmp = scratch.get();
            System.arraycopy(perDim, 0, tmp, 0, perm.length);
            for (int i = 0; i < perm.length; i++) {
                perDim[i] = tmp[perm[i]];
            }
        }
        return 0;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        for (int i = 0; i < perm.length; i++) {
            out[i] = z[inversePerm[i]];
        }
    }
}
