package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.LuLinear;
import io.normalcy.flow.transform.Transform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * LU linear layer (Glow, Kingma &amp; Dhariwal 2018): {@code z = L·U·x + bias}, L unit lower-triangular (strict
 * lower part of {@code b{k}.lu.lower} [D, D]), U upper-triangular with diagonal {@code exp(b{k}.lu.logdiag)} [D]
 * and strict upper part of {@code b{k}.lu.upper} [D, D]; {@code b{k}.lu.bias} [D]. log-det {@code Σ logdiag}.
 * Starts as the identity (all zeros). In the graph the unused triangles are masked by constants, so their raw
 * values never matter.
 */
public final class LuLinearLayer implements LayerType {
    public static final LuLinearLayer INSTANCE = new LuLinearLayer();

    private LuLinearLayer() {
    }

    public static String lower(int block) {
        return LayerTensors.name(block, "lu.lower");
    }

    public static String upper(int block) {
        return LayerTensors.name(block, "lu.upper");
    }

    public static String logDiag(int block) {
        return LayerTensors.name(block, "lu.logdiag");
    }

    public static String bias(int block) {
        return LayerTensors.name(block, "lu.bias");
    }

    @Override
    public Map<String, int[]> parameterShapes(FlowSpec spec, int block) {
        int d = spec.dim();
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(lower(block), new int[] {d, d});
        m.put(upper(block), new int[] {d, d});
        m.put(logDiag(block), new int[] {d});
        m.put(bias(block), new int[] {d});
        return m;
    }

    @Override
    public void initialize(FlowSpec spec, int block, FlowParameters params, Random rng) {
        parameterShapes(spec, block).forEach((name, shape) -> params.put(name, Tensor.zeros(shape)));
    }

    @Override
    public void validate(FlowSpec spec, int block, FlowParameters params) {
        LayerTensors.checkLogScale(params, logDiag(block));
    }

    @Override
    public Transform kernel(FlowSpec spec, int block, FlowParameters params) {
        int d = spec.dim();
        return new LuLinear(params.require(lower(block), d, d).toDoubleArray(),
                params.require(upper(block), d, d).toDoubleArray(),
                params.require(logDiag(block), d).toDoubleArray(),
                params.require(bias(block), d).toDoubleArray());
    }

    @Override
    public LayerGraph.Output graph(LayerGraph graph, int block, SDVariable x) {
        int d = graph.spec().dim();
        SameDiff sd = graph.sameDiff();
        SDVariable strictLower = graph.constant("mask_strict_lower", d, d, () -> strictTriangle(d, true));
        SDVariable strictUpper = graph.constant("mask_strict_upper", d, d, () -> strictTriangle(d, false));
        SDVariable eye = graph.constant("mask_eye", d, d, () -> identity(d));
        SDVariable lw = graph.trainable(lower(block), d, d);
        SDVariable uw = graph.trainable(upper(block), d, d);
        SDVariable ld = graph.trainable(logDiag(block), d);
        SDVariable b = graph.trainable(bias(block), d);
        SDVariable l = lw.mul(strictLower).add(eye);
        SDVariable u = uw.mul(strictUpper).add(eye.mul(sd.math.exp(ld)));
        SDVariable w = sd.mmul(l, u);
        SDVariable y = sd.mmul(x, w, false, true, false).add(b);
        return new LayerGraph.Output(y, d == 1 ? ld.reshape(-1) : ld.sum()); // D = 1: see MaskedAffineLayer
    }

    /** Strict lower (lower = true) or strict upper triangle indicator, [D, D]. */
    private static float[] strictTriangle(int d, boolean lower) {
        float[] m = new float[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                m[r * d + c] = (lower ? c < r : c > r) ? 1f : 0f;
            }
        }
        return m;
    }

    private static float[] identity(int d) {
        float[] m = new float[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1f;
        }
        return m;
    }
}
