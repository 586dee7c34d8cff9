package io.normalcy.flow.layer;

import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.MadeMasks;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Conditional masked affine layer: MAF (Papamakarios et al. 2017) when the input degrees {@code b{k}.ar.degrees}
 * are 1..D, RealNVP coupling (Dinh et al. 2017) when they take two values, NICE (Dinh et al. 2015) when
 * {@link FlowSpec#additive()}. A ReLU MADE (Germain et al. 2015) maps (x, c) to μ and α = clamp·tanh(raw/clamp);
 * {@code z = (x − μ) ⊙ exp(−α)}, log-det {@code −Σ α}. Tensors per hidden layer l: {@code b{k}.ar.w{l}}
 * [H_l, in_l], {@code b{k}.ar.v{l}} [H_l, C] (absent when C = 0), {@code b{k}.ar.b{l}} [H_l]; output
 * {@code b{k}.ar.wout} [2D, H_L], {@code b{k}.ar.vout} [2D, C], {@code b{k}.ar.bout} [2D].
 *
 * <p>Initialisation: hidden W and V ~ N(0, 2/fan_in) with fan_in = in_l + C (He et al. 2015, suits ReLU);
 * output W and V ~ N(0, 10⁻⁴) and all biases 0, so the layer starts close to the identity. Masked-out weights are
 * stored as exact zeros; the kernel ignores them whatever they hold and the graph multiplies by the mask.
 */
public final class MaskedAffineLayer implements LayerType {
    public static final MaskedAffineLayer INSTANCE = new MaskedAffineLayer();

    /** Degrees above this are rejected (real specs use ≤ D ≤ {@value FlowSpec#MAX_DIM}). */
    private static final int MAX_DEGREE = 1 << 20;
    private static final double OUTPUT_STD = 1e-2;

    private MaskedAffineLayer() {
    }

    public static String degrees(int block) {
        return LayerTensors.name(block, "ar.degrees");
    }

    /** Hidden layer {@code layer} weights [H_l, in_l]. */
    public static String hiddenWeight(int block, int layer) {
        return LayerTensors.name(block, "ar.w" + layer);
    }

    /** Hidden layer {@code layer} context weights [H_l, C] (absent when C = 0). */
    public static String hiddenContextWeight(int block, int layer) {
        return LayerTensors.name(block, "ar.v" + layer);
    }

    public static String hiddenBias(int block, int layer) {
        return LayerTensors.name(block, "ar.b" + layer);
    }

    public static String outputWeight(int block) {
        return LayerTensors.name(block, "ar.wout");
    }

    public static String outputContextWeight(int block) {
        return LayerTensors.name(block, "ar.vout");
    }

    public static String outputBias(int block) {
        return LayerTensors.name(block, "ar.bout");
    }

    @Override
    public Map<String, int[]> parameterShapes(FlowSpec spec, int block) {
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(degrees(block), new int[] {d});
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            m.put(hiddenWeight(block, l), new int[] {hidden[l], in});
            if (c > 0) {
                m.put(hiddenContextWeight(block, l), new int[] {hidden[l], c});
            }
            m.put(hiddenBias(block, l), new int[] {hidden[l]});
            in = hidden[l];
        }
        m.put(outputWeight(block), new int[] {2 * d, in});
        if (c > 0) {
            m.put(outputContextWeight(block), new int[] {2 * d, c});
        }
        m.put(outputBias(block), new int[] {2 * d});
        return m;
    }

    @Override
    public void initialize(FlowSpec spec, int block, FlowParameters params, Random rng) {
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        int[] deg = spec.degrees(block);
        params.put(degrees(block), LayerTensors.intTensor(deg));
        int in = d;
        int[] prevDeg = deg;
        for (int l = 0; l < hidden.length; l++) {
            int h = hidden[l];
            int[] hdeg = MadeMasks.hiddenDegrees(deg, h);
            float[] mask = l == 0 ? MadeMasks.inputMask(deg, hdeg) : MadeMasks.hiddenMask(hdeg, prevDeg);
            double std = Math.sqrt(2.0 / (in + c));
            params.put(hiddenWeight(block, l), LayerTensors.masked(new int[] {h, in}, mask, std, rng));
            if (c > 0) {
                params.put(hiddenContextWeight(block, l), LayerTensors.gaussian(new int[] {h, c}, std, rng));
            }
            params.put(hiddenBias(block, l), Tensor.zeros(h));
            in = h;
            prevDeg = hdeg;
        }
        float[] outMask = MadeMasks.outputMask(deg, prevDeg);
        params.put(outputWeight(block), LayerTensors.masked(new int[] {2 * d, in}, outMask, OUTPUT_STD, rng));
        if (c > 0) {
            params.put(outputContextWeight(block), LayerTensors.gaussian(new int[] {2 * d, c}, OUTPUT_STD, rng));
        }
        params.put(outputBias(block), Tensor.zeros(2 * d));
    }

    @Override
    public void validate(FlowSpec spec, int block, FlowParameters params) {
        decodeDegrees(spec, block, params);
    }

    @Override
    public Transform kernel(FlowSpec spec, int block, FlowParameters params) {
        return scalarKernel(spec, block, params);
    }

    /** SIMD: the float Vector API variant built from the scalar kernel's packed layout. */
    @Override
    public Transform kernel(FlowSpec spec, int block, FlowParameters params, ScoringKernel kind) {
        MaskedAffineAutoregressive scalar = scalarKernel(spec, block, params);
        return kind == ScoringKernel.SIMD ? KernelSelector.simdKernels().maskedAffine(scalar) : scalar;
    }

    private static MaskedAffineAutoregressive scalarKernel(FlowSpec spec, int block, FlowParameters params) {
        MadeWeights m = MadeWeights.read(spec, params, new MadeWeights.Names(l -> hiddenWeight(block, l),
                l -> hiddenContextWeight(block, l), l -> hiddenBias(block, l), outputWeight(block),
                outputContextWeight(block), outputBias(block)), 2 * spec.dim());
        return new MaskedAffineAutoregressive(decodeDegrees(spec, block, params), spec.contextDim(), m.w(), m.v(),
                m.b(), m.wout(), m.vout(), m.bout(), spec.scaleClamp(), spec.additive());
    }

    @Override
    public LayerGraph.Output graph(LayerGraph graph, int block, SDVariable x) {
        FlowSpec spec = graph.spec();
        int d = spec.dim();
        String name = degrees(block);
        int[] deg = LayerTensors.integers(graph.structural(name, d), name, 1, MAX_DEGREE);
        SDVariable o = made(graph, block, x, deg);
        SDVariable mu = o.get(SDIndex.all(), SDIndex.interval(0, d));
        if (spec.additive()) {
            return new LayerGraph.Output(x.sub(mu), null);
        }
        SameDiff sd = graph.sameDiff();
        double clamp = spec.scaleClamp();
        SDVariable raw = o.get(SDIndex.all(), SDIndex.interval(d, 2 * d));
        SDVariable alpha = sd.math.tanh(raw.div(clamp)).mul(clamp);
        SDVariable z = x.sub(mu).mul(sd.math.exp(alpha.neg()));
        // D = 1: a reduction over a length-1 axis is a no-op that ND4J M2.1 executes with a null input (NPE)
        return new LayerGraph.Output(z, (d == 1 ? alpha.reshape(-1) : alpha.sum(1)).neg());
    }

    /** The masked network's output o [B, 2D] (μ then raw α); masks are graph constants. */
    private static SDVariable made(LayerGraph graph, int block, SDVariable x, int[] deg) {
        SameDiff sd = graph.sameDiff();
        int d = graph.spec().dim();
        int[] hidden = graph.spec().hidden();
        SDVariable h = x;
        int[] prevDeg = deg;
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            int[] hdeg = MadeMasks.hiddenDegrees(deg, hidden[l]);
            int[] inDeg = prevDeg;
            SDVariable mask = graph.constant("b" + block + "_mask" + l, hidden[l], in,
                    () -> MadeMasks.hiddenMask(hdeg, inDeg));
            SDVariable pre = affine(graph, h, mask, hiddenWeight(block, l), hiddenBias(block, l),
                    hiddenContextWeight(block, l), hidden[l], in);
            h = sd.nn.relu(pre, 0);
            prevDeg = hdeg;
            in = hidden[l];
        }
        int[] lastDeg = prevDeg;
        SDVariable mask = graph.constant("b" + block + "_mask_out", 2 * d, in,
                () -> MadeMasks.outputMask(deg, lastDeg));
        return affine(graph, h, mask, outputWeight(block), outputBias(block), outputContextWeight(block), 2 * d, in);
    }

    /**
     * {@code h·(W∘mask)ᵀ [+ c·Vᵀ] + b}, the context term only when C &gt; 0. Variables are created in the order
     * W, b, V: creation order is the order the trainer sums squared gradients in for its clip norm, and keeping
     * it keeps training reproducible bit for bit across versions. Shared with {@link MixtureBaseLayer}'s MADE.
     */
    static SDVariable affine(LayerGraph graph, SDVariable h, SDVariable mask, String weight, String bias,
                                     String contextWeight, int out, int in) {
        SameDiff sd = graph.sameDiff();
        SDVariable w = graph.trainable(weight, out, in);
        SDVariable b = graph.trainable(bias, out);
        SDVariable pre = sd.mmul(h, w.mul(mask), false, true, false);
        int c = graph.spec().contextDim();
        if (c > 0) {
            SDVariable v = graph.trainable(contextWeight, out, c);
            pre = pre.add(sd.mmul(graph.context(), v, false, true, false));
        }
        return pre.add(b);
    }

    private static int[] decodeDegrees(FlowSpec spec, int block, FlowParameters params) {
        String name = degrees(block);
        return LayerTensors.integers(params.require(name, spec.dim()), name, 1, MAX_DEGREE);
    }
}
