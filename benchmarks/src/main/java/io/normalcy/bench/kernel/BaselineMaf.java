package io.normalcy.bench.kernel;

import io.normalcy.flow.transform.MadeMasks;
import io.normalcy.flow.transform.Transform;

import java.util.Arrays;

/**
 * Frozen copy of the scoring kernel's MADE layer as it was before the performance work (commit ee1f9cd):
 * suffix-shaped masks, transposed flat weights, one scalar AXPY per non-zero input with different index offsets
 * into the weight and output arrays — which JDK 17's C2 does not vectorise. Kept only so that
 * {@code KernelVariantsBenchmark} can measure the old and new layouts side by side; see docs/benchmarks.md.
 */
public final class BaselineMaf implements Transform {
    private final int dim;
    private final int contextDim;
    private final int layers;
    private final int[] widths;
    private final double clamp;
    private final boolean additive;
    /** Sorted position p → original feature index. */
    private final int[] inOrder;
    /** [groupCount+1] boundaries of equal-degree runs in sorted order (for the inverse). */
    private final int[] groups;
    /** Per layer: transposed weights [in_l][H_l], start index per input, context weights [C][H_l], bias. */
    private final double[][] wT;
    private final int[][] start;
    private final double[][] vT;
    private final double[][] b;
    private final double[] wMuT;
    private final double[] wAlT;
    private final int[] outStart;
    private final double[] vMuT;
    private final double[] vAlT;
    private final double[] bMu;
    private final double[] bAl;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param degrees              input degrees (≥ 1), length D
     * @param contextDim           C ≥ 0
     * @param hiddenWeights        per layer l, [H_l, in_l] row-major (in_0 = D)
     * @param hiddenContextWeights per layer l, [H_l, C] row-major; may be null when C = 0
     * @param hiddenBiases         per layer l, [H_l]
     * @param outWeight            [2D, H_L] row-major (rows 0..D−1 give μ, D..2D−1 raw α)
     * @param outContextWeight     [2D, C]; may be null when C = 0
     * @param outBias              [2D]
     * @param scaleClamp           soft clamp (&gt; 0)
     * @param additive             α ≡ 0 (NICE)
     */
    public BaselineMaf(int[] degrees, int contextDim, double[][] hiddenWeights,
                                      double[][] hiddenContextWeights, double[][] hiddenBiases,
                                      double[] outWeight, double[] outContextWeight, double[] outBias,
                                      double scaleClamp, boolean additive) {
        this.dim = degrees.length;
        this.contextDim = contextDim;
        this.layers = hiddenBiases.length;
        this.clamp = scaleClamp;
        this.additive = additive;
        if (dim < 1 || layers < 1 || hiddenWeights.length != layers) {
            throw new IllegalArgumentException("need D ≥ 1 and matching hidden weights/biases for ≥ 1 layer");
        }
        if (!(scaleClamp > 0)) {
            throw new IllegalArgumentException("scaleClamp must be > 0, got " + scaleClamp);
        }
        for (int d : degrees) {
            if (d < 1) {
                throw new IllegalArgumentException("degrees must be ≥ 1: " + Arrays.toString(degrees));
            }
        }
        int d = dim;
        int c = contextDim;
        widths = new int[layers];
        for (int l = 0; l < layers; l++) {
            widths[l] = hiddenBiases[l].length;
        }
        inOrder = sortedOrder(degrees);
        int[] degS = new int[d];
        for (int p = 0; p < d; p++) {
            degS[p] = degrees[inOrder[p]];
        }
        groups = groupBoundaries(degS);

        wT = new double[layers][];
        start = new int[layers][];
        vT = new double[layers][];
        b = new double[layers][];
        int[] prevOrder = inOrder;
        int[] prevDegS = degS;
        int[] hOrder = null;
        int[] hDegS = null;
        for (int l = 0; l < layers; l++) {
            int h = widths[l];
            int in = prevOrder.length;
            check("hidden weight " + l, hiddenWeights[l], (long) h * in);
            check("hidden bias " + l, hiddenBiases[l], h);
            int[] hdeg = MadeMasks.hiddenDegrees(degrees, h);
            hOrder = sortedOrder(hdeg);
            hDegS = new int[h];
            for (int jj = 0; jj < h; jj++) {
                hDegS[jj] = hdeg[hOrder[jj]];
            }
            double[] w = new double[in * h];
            int[] st = new int[in];
            for (int p = 0; p < in; p++) {
                st[p] = firstAtLeast(hDegS, prevDegS[p]);
                int src = prevOrder[p];
                for (int jj = st[p]; jj < h; jj++) {
                    w[p * h + jj] = hiddenWeights[l][hOrder[jj] * in + src];
                }
            }
            wT[l] = w;
            start[l] = st;
            double[] v = new double[c * h];
            if (c > 0) {
                check("hidden context weight " + l, hiddenContextWeights[l], (long) h * c);
                for (int k = 0; k < c; k++) {
                    for (int jj = 0; jj < h; jj++) {
                        v[k * h + jj] = hiddenContextWeights[l][hOrder[jj] * c + k];
                    }
                }
            }
            vT[l] = v;
            double[] bb = new double[h];
            for (int jj = 0; jj < h; jj++) {
                bb[jj] = hiddenBiases[l][hOrder[jj]];
            }
            b[l] = bb;
            prevOrder = hOrder;
            prevDegS = hDegS;
        }
        int hl = widths[layers - 1];
        check("output weight", outWeight, 2L * d * hl);
        check("output bias", outBias, 2L * d);
        wMuT = new double[hl * d];
        wAlT = new double[hl * d];
        outStart = new int[hl];
        for (int i = 0; i < hl; i++) {
            outStart[i] = firstGreater(degS, hDegS[i]);
            int src = hOrder[i];
            for (int p = outStart[i]; p < d; p++) {
                wMuT[i * d + p] = outWeight[inOrder[p] * hl + src];
                wAlT[i * d + p] = outWeight[(d + inOrder[p]) * hl + src];
            }
        }
        vMuT = new double[c * d];
        vAlT = new double[c * d];
        if (c > 0) {
            check("output context weight", outContextWeight, 2L * d * c);
            for (int k = 0; k < c; k++) {
                for (int p = 0; p < d; p++) {
                    vMuT[k * d + p] = outContextWeight[inOrder[p] * c + k];
                    vAlT[k * d + p] = outContextWeight[(d + inOrder[p]) * c + k];
                }
            }
        }
        bMu = new double[d];
        bAl = new double[d];
        for (int p = 0; p < d; p++) {
            bMu[p] = outBias[inOrder[p]];
            bAl[p] = outBias[d + inOrder[p]];
        }
        int[] w = widths.clone();
        scratch = ThreadLocal.withInitial(() -> new Scratch(d, w));
    }

    @Override
    public int dim() {
        return dim;
    }

    public int contextDim() {
        return contextDim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        Scratch s = scratch.get();
        double[] xs = s.xs;
        int d = dim;
        for (int p = 0; p < d; p++) {
            xs[p] = x[inOrder[p]];
        }
        network(xs, ctx, s);
        double[] mu = s.mu;
        double[] al = s.al;
        double ld = 0;
        for (int p = 0; p < d; p++) {
            int i = inOrder[p];
            if (additive) {
                out[i] = xs[p] - mu[p];
            } else {
                double a = clamp * Math.tanh(al[p] / clamp);
                out[i] = (xs[p] - mu[p]) * Math.exp(-a);
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
        Scratch s = scratch.get();
        double[] xs = s.xs;
        Arrays.fill(xs, 0.0);
        double[] mu = s.mu;
        double[] al = s.al;
        for (int g = 0; g + 1 < groups.length; g++) {
            network(xs, ctx, s);
            for (int p = groups[g]; p < groups[g + 1]; p++) {
                double zi = z[inOrder[p]];
                xs[p] = additive ? zi + mu[p] : zi * Math.exp(clamp * Math.tanh(al[p] / clamp)) + mu[p];
            }
        }
        for (int p = 0; p < dim; p++) {
            out[inOrder[p]] = xs[p];
        }
    }

    /** μ and raw α (sorted order) into s.mu / s.al from sorted inputs xs. */
    private void network(double[] xs, double[] ctx, Scratch s) {
        double[] in = xs;
        for (int l = 0; l < layers; l++) {
            double[] h = s.h[l];
            int hw = widths[l];
            System.arraycopy(b[l], 0, h, 0, hw);
            double[] v = vT[l];
            for (int k = 0; k < contextDim; k++) {
                double ck = ctx[k];
                if (ck != 0.0) {
                    axpy(v, k * hw, h, 0, hw, ck);
                }
            }
            double[] w = wT[l];
            int[] st = start[l];
            for (int p = 0; p < in.length; p++) {
                double xp = in[p];
                if (xp != 0.0) {
                    int from = st[p];
                    axpy(w, p * hw + from, h, from, hw - from, xp);
                }
            }
            for (int j = 0; j < hw; j++) {
                if (!(h[j] > 0.0)) {
                    h[j] = 0.0;
                }
            }
            in = h;
        }
        int d = dim;
        double[] mu = s.mu;
        double[] al = s.al;
        System.arraycopy(bMu, 0, mu, 0, d);
        System.arraycopy(bAl, 0, al, 0, d);
        for (int k = 0; k < contextDim; k++) {
            double ck = ctx[k];
            if (ck != 0.0) {
                axpy(vMuT, k * d, mu, 0, d, ck);
                if (!additive) {
                    axpy(vAlT, k * d, al, 0, d, ck);
                }
            }
        }
        for (int j = 0; j < in.length; j++) {
            double hj = in[j];
            if (hj != 0.0) {
                int from = outStart[j];
                axpy(wMuT, j * d + from, mu, from, d - from, hj);
                if (!additive) {
                    axpy(wAlT, j * d + from, al, from, d - from, hj);
                }
            }
        }
    }

    private static void axpy(double[] w, int wOff, double[] y, int yOff, int n, double a) {
        for (int t = 0; t < n; t++) {
            y[yOff + t] += w[wOff + t] * a;
        }
    }

    private static void check(String what, double[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(what + " needs " + expected + " values, got "
                    + (a == null ? "null" : a.length));
        }
    }

    /** Stable argsort of small non-negative keys. */
    static int[] sortedOrder(int[] keys) {
        Integer[] idx = new Integer[keys.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, c) -> Integer.compare(keys[a], keys[c]));
        int[] r = new int[idx.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = idx[i];
        }
        return r;
    }

    private static int[] groupBoundaries(int[] sortedKeys) {
        int[] tmp = new int[sortedKeys.length + 1];
        int n = 0;
        tmp[n++] = 0;
        for (int p = 1; p < sortedKeys.length; p++) {
            if (sortedKeys[p] != sortedKeys[p - 1]) {
                tmp[n++] = p;
            }
        }
        tmp[n++] = sortedKeys.length;
        return Arrays.copyOf(tmp, n);
    }

    /** First index with sorted[i] ≥ key (sorted ascending), or length. */
    private static int firstAtLeast(int[] sorted, int key) {
        int i = 0;
        while (i < sorted.length && sorted[i] < key) {
            i++;
        }
        return i;
    }

    /** First index with sorted[i] &gt; key, or length. */
    private static int firstGreater(int[] sorted, int key) {
        int i = 0;
        while (i < sorted.length && sorted[i] <= key) {
            i++;
        }
        return i;
    }

    private static final class Scratch {
        final double[] xs;
        final double[] mu;
        final double[] al;
        final double[][] h;

        Scratch(int d, int[] widths) {
            xs = new double[d];
            mu = new double[d];
            al = new double[d];
            h = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                h[l] = new double[widths[l]];
            }
        }
    }
}
