package io.normalcy.flow.transform;

import java.util.Arrays;

/**
 * Conditional masked affine autoregressive layer: MAF (Papamakarios et al. 2017) when the input degrees
 * are 1..D, affine coupling (RealNVP, Dinh et al. 2017) when they take two values, volume-preserving NICE
 * (Dinh et al. 2015) when {@code additive}. A MADE network (Germain et al. 2015) with ReLU hidden layers
 * maps (x, c) to μ and raw α; the context feeds every hidden layer and the outputs directly. Forward:
 * {@code z_i = (x_i − μ_i)·exp(−α_i)}, α = clamp·tanh(raw/clamp), log-det −Σ α. Inverse: one network
 * pass per distinct degree, ascending.
 *
 * <h2>Why this is hand-written plain Java</h2>
 * The detector scores one record at a time. ND4J/SameDiff pays a fixed cost per op and per call: the training
 * graph's inference output measured tens of records/s one at a time and still fewer records/s per core at
 * batch 4096 than this class does one record at a time (~200k records/s per core at D = 16, K = 5,
 * hidden = [128]; {@code docs/benchmarks.md}); batching is not available on a per-record stream anyway.
 *
 * <h2>Layout for speed</h2>
 * At construction the inputs, each hidden layer's units and the outputs are reordered internally by
 * degree (stable). In that order every mask is "suffix-shaped": input p feeds exactly the hidden units
 * from {@code from[p]} on, hidden unit j feeds exactly the outputs from {@code from[j]} on. Each input
 * (and each context entry) owns one weight row as long as the layer's output, zero where masked, so a
 * layer is a sum of AXPYs {@code y[t] += row[t]·a} over {@code t ∈ [from, n)}. Measured on JDK 17
 * (docs/benchmarks.md), what makes this fast:
 * <ul>
 *   <li>the weight row and the output are indexed by the <em>same</em> loop variable: C2 vectorises
 *       {@code y[t] += w[t]·a} but not {@code y[t] += w[off + t]·a} (it cannot exclude aliasing between two
 *       {@code double[]} at different offsets), so the rows are separate arrays, not one flat matrix;</li>
 *   <li>the non-zero inputs (about half of the ReLU activations, most of a one-hot context) are first
 *       compacted, then consumed four at a time, {@code y[t] += w0[t]a0 + w1[t]a1 + w2[t]a2 + w3[t]a3}, which
 *       quarters the loads and stores of {@code y} (rows in a group start at the smallest {@code from}; the
 *       masked part of a row is zero, so the result is unchanged);</li>
 *   <li>μ and raw α of output position p are interleaved ({@code o[2p]}, {@code o[2p+1]}), so one row per
 *       hidden unit covers both, with the same mask.</li>
 * </ul>
 * Weights stay {@code double}: widening float rows inside the loop is not vectorised by C2 17 and measured
 * slower. Scratch buffers are per thread, so scoring allocates nothing per record.
 */
public final class MaskedAffineAutoregressive implements Transform {
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
    /**
     * Per layer: one row per input (sorted order) then one per context entry, each of length H_l, zero where
     * masked; {@code from[l][r]} = first unmasked output of row r (0 for context rows).
     */
    private final double[][][] rows;
    private final int[][] from;
    private final double[][] b;
    /** Output layer: one row per last-layer hidden unit, then per context entry, length {@link #outWidth}. */
    private final double[][] outRows;
    private final int[] outFrom;
    private final double[] outBias;
    /** 2D, μ/α interleaved (o[2p] = μ_p, o[2p+1] = raw α_p); D in the additive variant (μ only). */
    private final int outWidth;
    /** Input degrees strictly increase with the feature index (MAF NATURAL): μ_i, α_i depend on x_&lt;i only. */
    private final boolean naturalOrder;
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
    public MaskedAffineAutoregressive(int[] degrees, int contextDim, double[][] hiddenWeights,
                                      double[][] hiddenContextWeights, double[][] hiddenBiases,
                                      double[] outWeight, double[] outContextWeight, double[] outBias,
                                      double scaleClamp, boolean additive) {
        checkArguments(degrees, hiddenWeights, hiddenBiases, scaleClamp);
        this.dim = degrees.length;
        this.contextDim = contextDim;
        this.layers = hiddenBiases.length;
        this.clamp = scaleClamp;
        this.additive = additive;
        widths = new int[layers];
        for (int l = 0; l < layers; l++) {
            widths[l] = hiddenBiases[l].length;
        }
        inOrder = sortedOrder(degrees);
        boolean increasing = true;
        for (int i = 1; i < dim; i++) {
            increasing &= degrees[i] > degrees[i - 1];
        }
        naturalOrder = increasing;
        int[] degS = new int[dim];
        for (int p = 0; p < dim; p++) {
            degS[p] = degrees[inOrder[p]];
        }
        groups = groupBoundaries(degS);

        rows = new double[layers][][];
        from = new int[layers][];
        b = new double[layers][];
        Layer prev = new Layer(null, null, null, inOrder, degS);
        int maxIn = dim;
        for (int l = 0; l < layers; l++) {
            maxIn = Math.max(maxIn, prev.order().length);
            Layer layer = hiddenLayer(l, degrees, prev, hiddenWeights[l],
                    contextDim > 0 ? hiddenContextWeights[l] : null, hiddenBiases[l]);
            rows[l] = layer.rows();
            from[l] = layer.from();
            b[l] = layer.bias();
            prev = layer;
        }
        maxIn = Math.max(maxIn, widths[layers - 1]);
        outWidth = (additive ? 1 : 2) * dim;
        Layer out = outputLayer(degS, prev, outWeight, contextDim > 0 ? outContextWeight : null, outBias);
        outRows = out.rows();
        outFrom = out.from();
        this.outBias = out.bias();
        int d = dim;
        int compact = maxIn + contextDim;
        int ow = outWidth;
        int[] w = widths.clone();
        scratch = ThreadLocal.withInitial(() -> new Scratch(d, w, ow, compact));
    }

    /**
     * One layer in the sorted layout: its rows (one per input in sorted order, then one per context entry), the
     * first unmasked output of each row, its bias, and its own units' sorted order and degrees.
     */
    private record Layer(double[][] rows, int[] from, double[] bias, int[] order, int[] sortedDegrees) {
    }

    private static void checkArguments(int[] degrees, double[][] hiddenWeights, double[][] hiddenBiases,
                                       double scaleClamp) {
        if (degrees.length < 1 || hiddenBiases.length < 1 || hiddenWeights.length != hiddenBiases.length) {
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
    }

    /** Hidden layer {@code l} fed by {@code prev}: weights [H, in] row-major, context weights [H, C] or null. */
    private Layer hiddenLayer(int l, int[] degrees, Layer prev, double[] weights, double[] contextWeights,
                              double[] bias) {
        int h = bias.length;
        int in = prev.order().length;
        int c = contextDim;
        check("hidden weight " + l, weights, (long) h * in);
        check("hidden bias " + l, bias, h);
        if (c > 0) {
            check("hidden context weight " + l, contextWeights, (long) h * c);
        }
        int[] hdeg = MadeMasks.hiddenDegrees(degrees, h);
        int[] hOrder = sortedOrder(hdeg);
        int[] hDegS = new int[h];
        for (int jj = 0; jj < h; jj++) {
            hDegS[jj] = hdeg[hOrder[jj]];
        }
        double[][] r = new double[in + c][h];
        int[] f = new int[in + c];
        for (int p = 0; p < in; p++) {
            f[p] = firstAtLeast(hDegS, prev.sortedDegrees()[p]);
            int src = prev.order()[p];
            for (int jj = f[p]; jj < h; jj++) {
                r[p][jj] = weights[hOrder[jj] * in + src];
            }
        }
        for (int k = 0; k < c; k++) {
            for (int jj = 0; jj < h; jj++) {
                r[in + k][jj] = contextWeights[hOrder[jj] * c + k];
            }
        }
        double[] bb = new double[h];
        for (int jj = 0; jj < h; jj++) {
            bb[jj] = bias[hOrder[jj]];
        }
        return new Layer(r, f, bb, hOrder, hDegS);
    }

    /**
     * The output layer fed by the last hidden layer {@code last}: o[stride·p] = μ_p, o[stride·p + 1] = raw α_p
     * (sorted positions p; stride 1 in the additive variant, which has no α).
     */
    private Layer outputLayer(int[] degS, Layer last, double[] weight, double[] contextWeight, double[] bias) {
        int d = dim;
        int c = contextDim;
        int hl = last.order().length;
        check("output weight", weight, 2L * d * hl);
        check("output bias", bias, 2L * d);
        if (c > 0) {
            check("output context weight", contextWeight, 2L * d * c);
        }
        int stride = additive ? 1 : 2;
        double[][] r = new double[hl + c][outWidth];
        int[] f = new int[hl + c];
        for (int i = 0; i < hl; i++) {
            int first = firstGreater(degS, last.sortedDegrees()[i]);
            f[i] = stride * first;
            int src = last.order()[i];
            for (int p = first; p < d; p++) {
                interleave(r[i], p, weight, inOrder[p] * hl + src, (d + inOrder[p]) * hl + src);
            }
        }
        for (int k = 0; k < c; k++) {
            for (int p = 0; p < d; p++) {
                interleave(r[hl + k], p, contextWeight, inOrder[p] * c + k, (d + inOrder[p]) * c + k);
            }
        }
        double[] bb = new double[outWidth];
        for (int p = 0; p < d; p++) {
            interleave(bb, p, bias, inOrder[p], d + inOrder[p]);
        }
        return new Layer(r, f, bb, null, null);
    }

    /** Writes μ source {@code src[mu]} (and, unless additive, raw-α source {@code src[alpha]}) at position p. */
    private void interleave(double[] row, int p, double[] src, int mu, int alpha) {
        if (additive) {
            row[p] = src[mu];
        } else {
            row[2 * p] = src[mu];
            row[2 * p + 1] = src[alpha];
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    public int contextDim() {
        return contextDim;
    }

    /** Whether α ≡ 0 (NICE): the output layer then holds μ only ({@link #packed()} has D outputs, not 2D). */
    public boolean additive() {
        return additive;
    }

    /** The soft clamp of α. */
    public double scaleClamp() {
        return clamp;
    }

    /**
     * The MADE network in this kernel's packed layout (for the float SIMD kernel): outputs interleaved
     * {@code o[2p] = μ_p}, {@code o[2p+1] = raw α_p} at sorted position p (μ only when {@link #additive()}).
     */
    public PackedMade packed() {
        PackedMade.Layer[] ls = new PackedMade.Layer[layers + 1];
        int in = dim;
        for (int l = 0; l < layers; l++) {
            ls[l] = split(rows[l], from[l], in, b[l]);
            in = widths[l];
        }
        ls[layers] = split(outRows, outFrom, in, outBias);
        return new PackedMade(inOrder.clone(), contextDim, ls);
    }

    /** Rows 0..in−1 are inputs, the rest context rows (this class keeps them in one array). */
    private static PackedMade.Layer split(double[][] all, int[] f, int in, double[] bias) {
        return new PackedMade.Layer(Arrays.copyOf(all, in), Arrays.copyOf(f, in),
                Arrays.copyOfRange(all, in, all.length), bias);
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
        double[] o = s.o;
        double ld = 0;
        for (int p = 0; p < d; p++) {
            int i = inOrder[p];
            if (additive) {
                out[i] = xs[p] - o[p];
            } else {
                double a = softClamp(o[2 * p + 1]);
                out[i] = (xs[p] - o[2 * p]) * Math.exp(-a);
                ld -= a;
                if (perDim != null) {
                    perDim[i] -= a;
                }
            }
        }
        return ld;
    }

    /**
     * True when the input degrees strictly increase with the index (MAF with NATURAL ordering): then z_i = (x_i −
     * μ_i)·exp(−α_i) with μ_i, α_i functions of x_&lt;i and c. False for couplings (equal degrees) and reordered MAFs.
     */
    @Override
    public boolean preservesNaturalOrder() {
        return naturalOrder;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        Scratch s = scratch.get();
        double[] xs = s.xs;
        Arrays.fill(xs, 0.0);
        double[] o = s.o;
        for (int g = 0; g + 1 < groups.length; g++) {
            network(xs, ctx, s);
            for (int p = groups[g]; p < groups[g + 1]; p++) {
                double zi = z[inOrder[p]];
                xs[p] = additive ? zi + o[p] : zi * Math.exp(softClamp(o[2 * p + 1])) + o[2 * p];
            }
        }
        for (int p = 0; p < dim; p++) {
            out[inOrder[p]] = xs[p];
        }
    }

    /**
     * α = clamp·tanh(raw/clamp), with tanh(y) = sign(y)·(1 − e)/(1 + e), e = exp(−2|y|): {@code Math.exp} is a C2
     * intrinsic while {@code Math.tanh} is a native {@code StrictMath} call on JDK 17 (measured ~2× slower). The
     * absolute error stays ~1e-16 (the relative error of tiny |y| is irrelevant: α is only added and exponentiated).
     */
    private double softClamp(double raw) {
        return softClamp(raw, clamp);
    }

    /** {@link #softClamp(double)} with an explicit clamp, shared with the float SIMD kernel. */
    public static double softClamp(double raw, double clamp) {
        double y = raw / clamp;
        double e = Math.exp(-2.0 * Math.abs(y));
        return clamp * Math.copySign((1.0 - e) / (1.0 + e), y);
    }

    /** Interleaved μ / raw α (sorted order) into s.o from sorted inputs xs. */
    private void network(double[] xs, double[] ctx, Scratch s) {
        double[] in = xs;
        for (int l = 0; l < layers; l++) {
            double[] h = s.h[l];
            int hw = widths[l];
            System.arraycopy(b[l], 0, h, 0, hw);
            dense(rows[l], from[l], in, ctx, h, hw, s);
            for (int j = 0; j < hw; j++) {
                h[j] = Math.max(h[j], 0.0);
            }
            in = h;
        }
        System.arraycopy(outBias, 0, s.o, 0, outWidth);
        dense(outRows, outFrom, in, ctx, s.o, outWidth, s);
    }

    /**
     * {@code y[t] += Σ_r rows[r][t]·a_r} for t ∈ [from[r], n), over the non-zero entries a of (in, ctx): row r &lt;
     * in.length belongs to in[r], row in.length + k to ctx[k]. Non-zero entries are compacted (context first,
     * its rows start at 0; input rows start at non-decreasing offsets), then taken four at a time.
     */
    private void dense(double[][] rows, int[] from, double[] in, double[] ctx, double[] y, int n, Scratch s) {
        int[] idx = s.idx;
        double[] val = s.val;
        int m = 0;
        int nIn = in.length;
        for (int k = 0; k < contextDim; k++) {
            double ck = ctx[k];
            if (ck != 0.0) {
                idx[m] = nIn + k;
                val[m++] = ck;
            }
        }
        int firstInput = m;
        for (int p = 0; p < nIn; p++) {
            double xp = in[p];
            idx[m] = p;
            val[m] = xp;
            m += xp != 0.0 ? 1 : 0;
        }
        int q = 0;
        for (; q + 3 < m; q += 4) {
            int r0 = idx[q];
            int start = q < firstInput ? 0 : from[r0];
            axpy4(rows[r0], rows[idx[q + 1]], rows[idx[q + 2]], rows[idx[q + 3]], val[q], val[q + 1], val[q + 2],
                    val[q + 3], y, start, n);
        }
        for (; q < m; q++) {
            int r = idx[q];
            axpy(rows[r], val[q], y, q < firstInput ? 0 : from[r], n);
        }
    }

    /** Same index in every array: the form C2 vectorises. */
    private static void axpy4(double[] w0, double[] w1, double[] w2, double[] w3, double a0, double a1, double a2,
                              double a3, double[] y, int start, int n) {
        for (int t = start; t < n; t++) {
            y[t] += w0[t] * a0 + w1[t] * a1 + w2[t] * a2 + w3[t] * a3;
        }
    }

    private static void axpy(double[] w, double a, double[] y, int start, int n) {
        for (int t = start; t < n; t++) {
            y[t] += w[t] * a;
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
        final double[] o;
        final double[][] h;
        final int[] idx;
        final double[] val;

        Scratch(int d, int[] widths, int outWidth, int compact) {
            xs = new double[d];
            o = new double[outWidth];
            h = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                h[l] = new double[widths[l]];
            }
            idx = new int[compact];
            val = new double[compact];
        }
    }
}
