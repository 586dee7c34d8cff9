package io.normalcy.flow.layer;

import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.StandardNormal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The MAF_MOG base density p(z | c), an autoregressive mixture of K Gaussians per coordinate (MADE-MoG,
 * Papamakarios et al. 2017), defined once like a {@link LayerType}: tensors and shapes, initialisation, the
 * plain-Java kernel ({@link MadeMixture}) and the SameDiff graph. It is not a {@link LayerType} because it maps z to
 * a log-density, not to another point of the same space. Masks, degrees and the output layout are those of
 * {@link MadeMixture} (degrees 1..D in position order, so with NATURAL ordering and no permutation the
 * per-feature terms stay exact conditionals).
 *
 * <p>Tensors: per hidden layer l {@code base.w{l}} [H_l, in_l], {@code base.v{l}} [H_l, C] (absent when C = 0),
 * {@code base.b{l}} [H_l]; output {@code base.wout} [3KD, H_L], {@code base.vout} [3KD, C], {@code base.bout}
 * [3KD], row t·D + i (t: K logits, K means, K raw log-scales of coordinate i).
 *
 * <p>Initialisation: hidden weights as in {@link MaskedAffineLayer} (He), output weights N(0, 10⁻⁴), equal logits,
 * means on an even grid over [−a, a] with variance ½ and all σ = √½, so the initial conditionals are one smooth,
 * unimodal density of unit variance (close to the N(0, 1) a Gaussian base starts from) whose components are
 * already apart: identical components would get identical gradients and never separate.
 */
public final class MixtureBaseLayer {
    public static final MixtureBaseLayer INSTANCE = new MixtureBaseLayer();

    private static final double OUTPUT_STD = 1e-2;

    private MixtureBaseLayer() {
    }

    public static String hiddenWeight(int layer) {
        return "base.w" + layer;
    }

    public static String hiddenContextWeight(int layer) {
        return "base.v" + layer;
    }

    public static String hiddenBias(int layer) {
        return "base.b" + layer;
    }

    public static String outputWeight() {
        return "base.wout";
    }

    public static String outputContextWeight() {
        return "base.vout";
    }

    public static String outputBias() {
        return "base.bout";
    }

    /** The tensors in canonical order, with their shapes. */
    public Map<String, int[]> parameterShapes(FlowSpec spec) {
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        Map<String, int[]> m = new LinkedHashMap<>();
        int in = spec.dim();
        for (int l = 0; l < hidden.length; l++) {
            m.put(hiddenWeight(l), new int[] {hidden[l], in});
            if (c > 0) {
                m.put(hiddenContextWeight(l), new int[] {hidden[l], c});
            }
            m.put(hiddenBias(l), new int[] {hidden[l]});
            in = hidden[l];
        }
        int out = outputs(spec);
        m.put(outputWeight(), new int[] {out, in});
        if (c > 0) {
            m.put(outputContextWeight(), new int[] {out, c});
        }
        m.put(outputBias(), new int[] {out});
        return m;
    }

    /** Initial values (see the class doc); draws from {@code rng} in tensor order. */
    public void initialize(FlowSpec spec, FlowParameters params, Random rng) {
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        int in = d;
        int[] prevDeg = null;
        for (int l = 0; l < hidden.length; l++) {
            int h = hidden[l];
            int[] hdeg = MadeMixture.hiddenDegrees(d, h);
            float[] mask = l == 0 ? MadeMixture.inputMask(d, hdeg) : hiddenMask(hdeg, prevDeg);
            double std = Math.sqrt(2.0 / (in + c));
            params.put(hiddenWeight(l), LayerTensors.masked(new int[] {h, in}, mask, std, rng));
            if (c > 0) {
                params.put(hiddenContextWeight(l), LayerTensors.gaussian(new int[] {h, c}, std, rng));
            }
            params.put(hiddenBias(l), Tensor.zeros(h));
            in = h;
            prevDeg = hdeg;
        }
        int out = outputs(spec);
        int k = spec.components();
        float[] outMask = MadeMixture.outputMask(d, k, prevDeg);
        params.put(outputWeight(), LayerTensors.masked(new int[] {out, in}, outMask, OUTPUT_STD, rng));
        if (c > 0) {
            params.put(outputContextWeight(), LayerTensors.gaussian(new int[] {out, c}, OUTPUT_STD, rng));
        }
        Tensor bias = Tensor.zeros(out);
        float[] b = bias.data();
        double a = k == 1 ? 0 : Math.sqrt(1.5 * (k - 1) / (k + 1));
        double logSigma = k == 1 ? 0 : 0.5 * Math.log(0.5);
        double raw = MadeMixture.LOG_SCALE_CLAMP * atanh(logSigma / MadeMixture.LOG_SCALE_CLAMP);
        for (int t = 0; t < k; t++) {
            double mean = k == 1 ? 0 : a * (2.0 * t / (k - 1) - 1);
            for (int i = 0; i < d; i++) {
                b[(k + t) * d + i] = (float) mean;
                b[(2 * k + t) * d + i] = (float) raw;
            }
        }
        params.put(outputBias(), bias);
    }

    /** The scoring kernel of {@code kind} (SIMD: the float Vector API variant of {@link MadeMixture}). */
    public BaseDensity kernel(FlowSpec spec, FlowParameters params, ScoringKernel kind) {
        MadeMixture scalar = kernel(spec, params);
        return kind == ScoringKernel.SIMD ? KernelSelector.simdKernels().mixture(scalar) : scalar;
    }

    /** The scalar scoring kernel. */
    public MadeMixture kernel(FlowSpec spec, FlowParameters params) {
        int c = spec.contextDim();
        MadeWeights m = MadeWeights.read(spec, params, new MadeWeights.Names(MixtureBaseLayer::hiddenWeight,
                MixtureBaseLayer::hiddenContextWeight, MixtureBaseLayer::hiddenBias, outputWeight(),
                outputContextWeight(), outputBias()), outputs(spec));
        return new MadeMixture(spec.dim(), c, spec.components(), m.w(), c > 0 ? m.v() : null, m.b(), m.wout(),
                m.vout(), m.bout());
    }

    /**
     * log p(z | c) [B] in SameDiff ops: the output [B, 3KD] (row t·D + i) is viewed as [B, 3K, D] and split into
     * logits, means and raw log-scales [B, K, D]; with z broadcast as [B, 1, D],
     * a = logit − log σ − ½((z − μ)/σ)², and log p = lse_K(a) − lse_K(logit) − ½ log 2π per coordinate, with a
     * stable log-sum-exp (maximum over the components subtracted), summed over coordinates. A handful of ops for
     * any K: per-component slices would multiply the op count, and SameDiff's cost is per op.
     */
    public SDVariable graph(LayerGraph graph, SDVariable z) {
        SameDiff sd = graph.sameDiff();
        FlowSpec spec = graph.spec();
        int d = spec.dim();
        int k = spec.components();
        SDVariable o = sd.reshape(made(graph, z), -1, 3L * k, d);
        SDVariable logits = o.get(SDIndex.all(), SDIndex.interval(0, k), SDIndex.all());
        SDVariable mu = o.get(SDIndex.all(), SDIndex.interval(k, 2 * k), SDIndex.all());
        double clamp = MadeMixture.LOG_SCALE_CLAMP;
        SDVariable logSigma = sd.math.tanh(o.get(SDIndex.all(), SDIndex.interval(2 * k, 3 * k), SDIndex.all())
                .div(clamp)).mul(clamp);
        SDVariable u = sd.expandDims(z, 1).sub(mu).mul(sd.math.exp(logSigma.neg()));
        SDVariable a = logits.sub(logSigma).sub(u.mul(u).mul(0.5));
        SDVariable perDim = logSumExp(sd, a).sub(logSumExp(sd, logits)).sub(StandardNormal.HALF_LOG_2PI);
        // D = 1: no reduction over the length-1 axis (ND4J M2.1 runs it as a no-op with a null input: NPE)
        return d == 1 ? perDim.reshape(-1) : perDim.sum(1);
    }

    /** log Σ_k exp(x[:, k, :]) → [B, D], with the maximum over k subtracted first. */
    private static SDVariable logSumExp(SameDiff sd, SDVariable x) {
        SDVariable m = x.max(true, 1);
        return sd.math.log(sd.math.exp(x.sub(m)).sum(1)).add(sd.squeeze(m, 1));
    }

    /** The masked network's output [B, 3KD]. */
    private static SDVariable made(LayerGraph graph, SDVariable z) {
        SameDiff sd = graph.sameDiff();
        FlowSpec spec = graph.spec();
        int d = spec.dim();
        int[] hidden = spec.hidden();
        SDVariable h = z;
        int[] prevDeg = null;
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            int[] hdeg = MadeMixture.hiddenDegrees(d, hidden[l]);
            int[] inDeg = prevDeg;
            SDVariable mask = graph.constant("base_mask" + l, hidden[l], in,
                    () -> inDeg == null ? MadeMixture.inputMask(d, hdeg) : hiddenMask(hdeg, inDeg));
            h = sd.nn.relu(MaskedAffineLayer.affine(graph, h, mask, hiddenWeight(l), hiddenBias(l),
                    hiddenContextWeight(l), hidden[l], in), 0);
            prevDeg = hdeg;
            in = hidden[l];
        }
        int[] lastDeg = prevDeg;
        int out = outputs(spec);
        SDVariable mask = graph.constant("base_mask_out", out, in,
                () -> MadeMixture.outputMask(d, spec.components(), lastDeg));
        return MaskedAffineLayer.affine(graph, h, mask, outputWeight(), outputBias(), outputContextWeight(), out, in);
    }

    /** Hidden→hidden mask: hdegOut ≥ hdegIn (as in MADE). */
    private static float[] hiddenMask(int[] outDeg, int[] inDeg) {
        return io.normalcy.flow.transform.MadeMasks.hiddenMask(outDeg, inDeg);
    }

    private static int outputs(FlowSpec spec) {
        return 3 * spec.components() * spec.dim();
    }

    private static double atanh(double y) {
        return 0.5 * Math.log((1 + y) / (1 - y));
    }
}
