package io.normalcy.flow.transform;

import java.util.List;

/**
 * Chain of transforms applied in list order (forward) and reverse order (inverse). By the chain rule the
 * log-dets add; {@code perDim} is passed through every part so each adds its own terms (and a
 * {@link Permutation} moves them). Ping-pong buffers are per thread, so a chain allocates nothing.
 */
public final class CompositeTransform implements Transform {
    private final Transform[] parts;
    private final int dim;
    private final ThreadLocal<double[][]> buffers;

    public CompositeTransform(List<? extends Transform> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a composite needs at least one transform");
        }
        this.parts = parts.toArray(new Transform[0]);
        this.dim = this.parts[0].dim();
        for (int i = 1; i < this.parts.length; i++) {
            if (this.parts[i].dim() != dim) {
                throw new IllegalArgumentException("transform " + i + " has dim " + this.parts[i].dim()
                        + " but transform 0 has dim " + dim);
            }
        }
        int d = dim;
        this.buffers = ThreadLocal.withInitial(() -> new double[][] {new double[d], new double[d]});
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        double[][] buf = buffers.get();
        double ld = 0;
        double[] cur = x;
        int n = parts.length;
        for (int t = 0; t < n; t++) {
            double[] dst = t == n - 1 ? out : (cur == buf[0] ? buf[1] : buf[0]);
            ld += parts[t].forward(cur, ctx, dst, perDim);
            cur = dst;
        }
        return ld;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        double[][] buf = buffers.get();
        double[] cur = z;
        for (int t = parts.length - 1; t >= 0; t--) {
            double[] dst = t == 0 ? out : (cur == buf[0] ? buf[1] : buf[0]);
            parts[t].inverse(cur, ctx, dst);
            cur = dst;
        }
    }

    /** A chain of such maps keeps the property: x_&lt;i determine the first part's outputs &lt; i, and so on. */
    @Override
    public boolean preservesNaturalOrder() {
        for (Transform t : parts) {
            if (!t.preservesNaturalOrder()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Net reordering of all (nested) {@link Permutation}s: output position i holds the value that started
     * at input position {@code result[i]}.
     */
    public int[] netPermutation() {
        int[] cur = new int[dim];
        for (int i = 0; i < dim; i++) {
            cur[i] = i;
        }
        return applyPermutations(this, cur);
    }

    private static int[] applyPermutations(Transform t, int[] cur) {
        if (t instanceof Permutation p) {
            int[] idx = p.indices();
            int[] next = new int[cur.length];
            for (int i = 0; i < cur.length; i++) {
                next[i] = cur[idx[i]];
            }
            return next;
        }
        if (t instanceof CompositeTransform c) {
            for (Transform part : c.parts) {
                cur = applyPermutations(part, cur);
            }
        }
        return cur;
    }
}
