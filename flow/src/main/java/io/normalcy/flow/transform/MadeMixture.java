package io.normalcy.flow.transform;

import java.util.Arrays;
import java.util.Random;

/**
 * Conditional autoregressive mixture-of-Gaussians density over z (MADE-MoG, Papamakarios et al. 2017, §3.4, on
 * top of the MADE of Germain et al. 2015): coordinate i given z_&lt;i and the context c is
 * {@code Σ_k π_k N(z_i; μ_k, σ_k²)}, where a ReLU MADE maps (z, c) to, per coordinate, K logits, K means and K raw
 * log-scales, log σ = clamp·tanh(raw/clamp) ({@link #LOG_SCALE_CLAMP}). log p(z | c) is the sum of these D exact
 * one-dimensional conditionals, each evaluated with a stable log-sum-exp.
 *
 * <p>Why a mixture base rather than more affine blocks: with NATURAL ordering every MAF block maps z_1 by an
 * affine function of the context only, so a Gaussian base leaves p(x_1 | c) Gaussian whatever the depth, and the
 * other coordinates are only a location-scale family around the network's prediction. A K-component mixture per
 * conditional fits multi-modal and skewed conditionals directly, while the per-coordinate term stays exactly
 * log p(z_i | z_&lt;i, c), so explanations remain exact conditionals.
 *
 * <p>Degrees: inputs have degrees 1..D (natural, position order) and hidden unit j has degree j mod D, i.e. in
 * [0, D−1] rather than MADE's [1, D−1]. Degree-0 units see only the context, so even the first coordinate's
 * mixture parameters are a non-linear function of c (with [1, D−1] they would be affine in c). Output row
 * {@code t·D + i} (t ∈ [0, 3K): K logits, then K means, then K raw log-scales) belongs to coordinate i and sees
 * hidden units of degree &lt; i + 1.
 *
 * <p>Kernel layout as in {@link MaskedAffineAutoregressive}: hidden units are sorted by degree and the outputs are
 * stored coordinate-major internally, so every mask is suffix-shaped and each non-zero input is one AXPY over
 * the unmasked tail of its row; scratch buffers are per thread, so scoring allocates nothing.
 */
public final class MadeMixture implements BaseDensity {
    /** Bound of |log σ| (σ ∈ [e^−6, e^6] in flow space, where data are standardised). */
    public static final double LOG_SCALE_CLAMP = 6.0;

    private final int dim;
    private final int contextDim;
    private final int components;
    private final int layers;
    private final int[] widths;
    /** Per layer: one row per input (sorted order), each of length H_l, zero where masked. */
    private final double[][][] rows;
    private final int[][] from;
    private final double[][][] contextRows;
    private final double[][] bias;
    /** Output rows (one per last-layer unit, sorted) of length 3KD, coordinate-major: o[i·3K + t]. */
    private final double[][] outRows;
    private final int[] outFrom;
    private final double[][] outContextRows;
    private final double[] outBias;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param dim                  D ≥ 1
     * @param contextDim           C ≥ 0
     * @param components           K ≥ 1
     * @param hiddenWeights        per layer l, [H_l, in_l] row-major (in_0 = D)
     * @param hiddenContextWeights per layer l, [H_l, C]; may be null when C = 0
     * @param hiddenBiases         per layer l, [H_l]
     * @param outWeight            [3KD, H_L] row-major, row t·D + i
     * @param outContextWeight     [3KD, C]; may be null when C = 0
     * @param outBias              [3KD]
     */
    public MadeMixture(int dim, int contextDim, int components, double[][] hiddenWeights,
                       double[][] hiddenContextWeights, double[][] hiddenBiases, double[] outWeight,
                       double[] outContextWeight, double[] outBias) {
        if (dim < 1 || contextDim < 0 || components < 1 || hiddenBiases.length < 1
                || hiddenWeights.length != hiddenBiases.length) {
            throw new IllegalArgumentException("need D ≥ 1, C ≥ 0, K ≥ 1 and matching weights/biases for ≥ 1 layer");
        }
        this.dim = dim;
        this.contextDim = contextDim;
        this.components = components;
        this.layers = hiddenBiases.length;
        widths = new int[layers];
        rows = new double[layers][][];
        from = new int[layers][];
        contextRows = new double[layers][][];
        bias = new double[layers][];
        Packed last = packHiddenLayers(hiddenWeights, hiddenContextWeights, hiddenBiases);
        int out = 3 * components * dim;
        check("output bias", outBias, out);
        outFrom = new int[last.order().length];
        outRows = packOutputRows(outWeight, last, out);
        if (contextDim > 0) {
            check("output context weight", outContextWeight, (long) out * contextDim);
        }
        outContextRows = new double[contextDim][out];
        this.outBias = new double[out];
        for (int r = 0; r < out; r++) {
            int q = internal(r);
            this.outBias[q] = outBias[r];
            for (int k = 0; k < contextDim; k++) {
                outContextRows[k][q] = outContextWeight[r * contextDim + k];
            }
        }
        int[] w = widths.clone();
        scratch = ThreadLocal.withInitial(() -> new Scratch(dim, w, out, components));
    }

    /** The last packed layer's unit order (original indexes, sorted by degree) and sorted degrees. */
    private record Packed(int[] order, int[] degrees) {
    }

    /**
     * Packs each hidden layer into the kernel's layout: units sorted by degree, so each input's unmasked units are
     * the suffix from {@code from[l][p]}; fills {@link #widths}, {@link #rows}, {@link #from}, {@link #contextRows}
     * and {@link #bias}.
     */
    private Packed packHiddenLayers(double[][] hiddenWeights, double[][] hiddenContextWeights, double[][] hiddenBiases) {
        int[] prevOrder = identity(dim);
        int[] prevDegS = new int[dim];
        for (int p = 0; p < dim; p++) {
            prevDegS[p] = p + 1;
        }
        for (int l = 0; l < layers; l++) {
            int h = hiddenBiases[l].length;
            int in = prevOrder.length;
            widths[l] = h;
            check("hidden weight " + l, hiddenWeights[l], (long) h * in);
            check("hidden bias " + l, hiddenBiases[l], h);
            int[] order = sortedByDegree(hiddenDegrees(dim, h));
            int[] degS = new int[h];
            for (int jj = 0; jj < h; jj++) {
                degS[jj] = order[jj] % dim;
            }
            rows[l] = new double[in][h];
            from[l] = new int[in];
            for (int p = 0; p < in; p++) {
                int f = firstAtLeast(degS, prevDegS[p]);
                from[l][p] = f;
                for (int jj = f; jj < h; jj++) {
                    rows[l][p][jj] = hiddenWeights[l][order[jj] * in + prevOrder[p]];
                }
            }
            contextRows[l] = contextRows(hiddenContextWeights == null ? null : hiddenContextWeights[l], h, order);
            bias[l] = new double[h];
            for (int jj = 0; jj < h; jj++) {
                bias[l][jj] = hiddenBiases[l][order[jj]];
            }
            prevOrder = order;
            prevDegS = degS;
        }
        return new Packed(prevOrder, prevDegS);
    }

    /** Output rows per last-layer unit (sorted), coordinate-major, zero where masked; fills {@link #outFrom}. */
    private double[][] packOutputRows(double[] outWeight, Packed last, int out) {
        int hl = last.order().length;
        check("output weight", outWeight, (long) out * hl);
        double[][] packed = new double[hl][out];
        for (int jj = 0; jj < hl; jj++) {
            outFrom[jj] = last.degrees()[jj] * 3 * components;
            for (int r = 0; r < out; r++) {
                int q = internal(r);
                if (q >= outFrom[jj]) {
                    packed[jj][q] = outWeight[r * hl + last.order()[jj]];
                }
            }
        }
        return packed;
    }

    /** Hidden unit degrees j mod D (see the class doc for why 0 is included). */
    public static int[] hiddenDegrees(int dim, int width) {
        int[] h = new int[width];
        for (int j = 0; j < width; j++) {
            h[j] = j % dim;
        }
        return h;
    }

    /** Input→hidden mask [H, D] row-major: hdeg[j] ≥ i + 1. */
    public static float[] inputMask(int dim, int[] hiddenDegrees) {
        float[] m = new float[hiddenDegrees.length * dim];
        for (int j = 0; j < hiddenDegrees.length; j++) {
            for (int i = 0; i < dim; i++) {
                m[j * dim + i] = hiddenDegrees[j] >= i + 1 ? 1f : 0f;
            }
        }
        return m;
    }

    /** Hidden→output mask [3KD, H]: row t·D + i sees unit j iff i + 1 &gt; hdeg[j]. */
    public static float[] outputMask(int dim, int components, int[] hiddenDegrees) {
        int h = hiddenDegrees.length;
        float[] m = new float[3 * components * dim * h];
        for (int r = 0; r < 3 * components * dim; r++) {
            for (int j = 0; j < h; j++) {
                m[r * h + j] = r % dim + 1 > hiddenDegrees[j] ? 1f : 0f;
            }
        }
        return m;
    }

    /** log σ = clamp·tanh(raw/clamp), tanh via exp as in {@link MaskedAffineAutoregressive}. */
    static double logScale(double raw) {
        double y = raw / LOG_SCALE_CLAMP;
        double e = Math.exp(-2.0 * Math.abs(y));
        return LOG_SCALE_CLAMP * Math.copySign((1.0 - e) / (1.0 + e), y);
    }

    @Override
    public int dim() {
        return dim;
    }

    public int contextDim() {
        return contextDim;
    }

    /**
     * The MADE network in this kernel's packed layout (for the float SIMD kernel): inputs in position order,
     * outputs coordinate-major, {@code o[i·3K + t]}.
     */
    public PackedMade packed() {
        PackedMade.Layer[] ls = new PackedMade.Layer[layers + 1];
        for (int l = 0; l < layers; l++) {
            ls[l] = new PackedMade.Layer(rows[l], from[l], contextRows[l], bias[l]);
        }
        ls[layers] = new PackedMade.Layer(outRows, outFrom, outContextRows, outBias);
        return new PackedMade(identity(dim), contextDim, ls);
    }

    public int components() {
        return components;
    }

    @Override
    public double logProb(double[] z, double[] ctx, double[] perDim) {
        Scratch s = scratch.get();
        network(z, ctx, s);
        double total = 0;
        for (int i = 0; i < dim; i++) {
            double t = conditional(i, z[i], s);
            total += t;
            if (perDim != null) {
                perDim[i] += t;
            }
        }
        return total;
    }

    /** log Σ_k π_k N(v; μ_k, σ_k²) of coordinate i from the network output in s.o (two stable log-sum-exps). */
    private double conditional(int i, double v, Scratch s) {
        return conditional(s.o, i, components, v, s.a);
    }

    /**
     * log Σ_k π_k N(v; μ_k, σ_k²) of coordinate i from a network output {@code o} in this class's coordinate-major
     * layout ({@code o[i·3K + t]}: K logits, K means, K raw log-scales), with {@code a} (length ≥ K) as scratch.
     * Shared with the float SIMD kernel, which widens its float output to double and calls this.
     */
    public static double conditional(double[] o, int i, int kk, double v, double[] a) {
        int base = i * 3 * kk;
        double maxLogit = Double.NEGATIVE_INFINITY;
        double maxA = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < kk; t++) {
            double logit = o[base + t];
            double ls = logScale(o[base + 2 * kk + t]);
            double u = (v - o[base + kk + t]) * Math.exp(-ls);
            double at = logit - ls - 0.5 * u * u;
            a[t] = at;
            maxLogit = Math.max(maxLogit, logit);
            maxA = Math.max(maxA, at);
        }
        double sumLogit = 0;
        double sumA = 0;
        for (int t = 0; t < kk; t++) {
            sumLogit += Math.exp(o[base + t] - maxLogit);
            sumA += Math.exp(a[t] - maxA);
        }
        return maxA + Math.log(sumA) - maxLogit - Math.log(sumLogit) - StandardNormal.HALF_LOG_2PI;
    }

    /**
     * Ancestral sampling, one network pass per coordinate: coordinate i depends only on z_&lt;i, so the not yet
     * drawn coordinates (zero) do not change its parameters.
     */
    @Override
    public void sample(Random rng, double[] ctx, double[] out) {
        Scratch s = scratch.get();
        double[] zs = s.zs;
        Arrays.fill(zs, 0.0);
        int kk = components;
        for (int i = 0; i < dim; i++) {
            network(zs, ctx, s);
            int base = i * 3 * kk;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < kk; t++) {
                max = Math.max(max, s.o[base + t]);
            }
            double sum = 0;
            for (int t = 0; t < kk; t++) {
                sum += Math.exp(s.o[base + t] - max);
            }
            double u = rng.nextDouble() * sum;
            int pick = kk - 1;
            for (int t = 0; t < kk; t++) {
                u -= Math.exp(s.o[base + t] - max);
                if (u < 0) {
                    pick = t;
                    break;
                }
            }
            zs[i] = s.o[base + kk + pick] + Math.exp(logScale(s.o[base + 2 * kk + pick])) * rng.nextGaussian();
        }
        System.arraycopy(zs, 0, out, 0, dim);
    }

    /**
     * One network pass gives every coordinate's mixture (its parameters depend on z_&lt;i only); each quantile solves
     * F_i(v) = p for the mixture CDF F_i(v) = Σ_k π_k Φ((v − μ_k)/σ_k), which is continuous and increasing. F_i is a
     * convex combination of the component CDFs, so it is ≤ p at the smallest component p-quantile and ≥ p at the
     * largest: that bracket holds the root, found by Brent's method. Upper quantiles solve on the survival function
     * 1 − F (computed with erfc) to keep the tail's precision.
     */
    @Override
    public void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out, int[] coords) {
        Scratch s = scratch.get();
        network(z, ctx, s);
        int kk = components;
        double[] w = new double[kk];
        double[] mu = new double[kk];
        double[] sigma = new double[kk];
        int n = coords == null ? dim : coords.length;
        for (int j = 0; j < n; j++) {
            int i = coords == null ? j : coords[j];
            int base = i * 3 * kk;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < kk; t++) {
                max = Math.max(max, s.o[base + t]);
            }
            double sum = 0;
            for (int t = 0; t < kk; t++) {
                w[t] = Math.exp(s.o[base + t] - max);
                sum += w[t];
                mu[t] = s.o[base + kk + t];
                sigma[t] = Math.exp(logScale(s.o[base + 2 * kk + t]));
            }
            for (int t = 0; t < kk; t++) {
                w[t] /= sum;
            }
            for (int k = 0; k < probs.length; k++) {
                out[k][i] = MixtureQuantile.of(w, mu, sigma, probs[k]);
            }
        }
    }

    /** Mixture parameters of every coordinate into s.o (coordinate-major). */
    private void network(double[] z, double[] ctx, Scratch s) {
        double[] in = z;
        for (int l = 0; l < layers; l++) {
            double[] h = s.h[l];
            int hw = widths[l];
            System.arraycopy(bias[l], 0, h, 0, hw);
            dense(rows[l], from[l], in, contextRows[l], ctx, h, hw, s);
            for (int j = 0; j < hw; j++) {
                h[j] = Math.max(h[j], 0.0);
            }
            in = h;
        }
        System.arraycopy(outBias, 0, s.o, 0, outBias.length);
        dense(outRows, outFrom, in, outContextRows, ctx, s.o, outBias.length, s);
    }

    /**
     * y[t] += Σ_p rows[p][t]·in[p] over t ≥ from[p], plus the context rows. Non-zero inputs (about half of the ReLU
     * activations) are compacted and taken four at a time from the smallest {@code from} of the four (rows are zero
     * below their own {@code from}, and {@code from} is non-decreasing in p), which quarters the loads and stores of
     * y, as in {@link MaskedAffineAutoregressive}.
     */
    private void dense(double[][] rows, int[] from, double[] in, double[][] ctxRows, double[] ctx, double[] y,
                       int n, Scratch s) {
        for (int k = 0; k < contextDim; k++) {
            double c = ctx[k];
            if (c != 0.0) {
                double[] row = ctxRows[k];
                for (int t = 0; t < n; t++) {
                    y[t] += row[t] * c;
                }
            }
        }
        int[] idx = s.idx;
        double[] val = s.val;
        int m = 0;
        for (int p = 0; p < rows.length; p++) {
            double a = in[p];
            idx[m] = p;
            val[m] = a;
            m += a != 0.0 ? 1 : 0;
        }
        int q = 0;
        for (; q + 3 < m; q += 4) {
            double[] w0 = rows[idx[q]];
            double[] w1 = rows[idx[q + 1]];
            double[] w2 = rows[idx[q + 2]];
            double[] w3 = rows[idx[q + 3]];
            double a0 = val[q];
            double a1 = val[q + 1];
            double a2 = val[q + 2];
            double a3 = val[q + 3];
            for (int t = from[idx[q]]; t < n; t++) {
                y[t] += w0[t] * a0 + w1[t] * a1 + w2[t] * a2 + w3[t] * a3;
            }
        }
        for (; q < m; q++) {
            double[] row = rows[idx[q]];
            double a = val[q];
            for (int t = from[idx[q]]; t < n; t++) {
                y[t] += row[t] * a;
            }
        }
    }

    /** Internal (coordinate-major) index of tensor row r = t·D + i. */
    private int internal(int r) {
        return (r % dim) * 3 * components + r / dim;
    }

    private double[][] contextRows(double[] weights, int h, int[] order) {
        double[][] r = new double[contextDim][h];
        if (contextDim == 0) {
            return r;
        }
        check("hidden context weight", weights, (long) h * contextDim);
        for (int k = 0; k < contextDim; k++) {
            for (int jj = 0; jj < h; jj++) {
                r[k][jj] = weights[order[jj] * contextDim + k];
            }
        }
        return r;
    }

    private static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** Unit indices sorted by degree, stable. */
    private static int[] sortedByDegree(int[] deg) {
        return java.util.stream.IntStream.range(0, deg.length).boxed()
                .sorted(java.util.Comparator.comparingInt(j -> deg[j])).mapToInt(Integer::intValue).toArray();
    }

    private static int firstAtLeast(int[] sorted, int key) {
        int i = 0;
        while (i < sorted.length && sorted[i] < key) {
            i++;
        }
        return i;
    }

    private static void check(String what, double[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(what + " has " + (a == null ? "no" : a.length) + " values, expected "
                    + expected);
        }
    }

    private static final class Scratch {
        final double[] zs;
        final double[] o;
        final double[][] h;
        final double[] a;
        final int[] idx;
        final double[] val;

        Scratch(int d, int[] widths, int outWidth, int components) {
            zs = new double[d];
            o = new double[outWidth];
            h = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                h[l] = new double[widths[l]];
            }
            a = new double[components];
            int maxIn = d;
            for (int w : widths) {
                maxIn = Math.max(maxIn, w);
            }
            idx = new int[maxIn];
            val = new double[maxIn];
        }
    }
}
