package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.ActNorm;
import io.normalcy.flow.transform.Transform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * ActNorm (Glow, Kingma &amp; Dhariwal 2018): {@code z = x ⊙ exp(s) + b}, log-det {@code Σ s}. Tensors
 * {@code b{k}.actnorm.scale} [D] (= s) and {@code b{k}.actnorm.bias} [D]; they start as the identity and get
 * Glow's data-dependent initialisation {@code s = −log(max(std, MIN_INIT_STD))}, {@code b = −mean ⊙ exp(s)} from
 * the first training rows, so the layer's output starts with zero mean and unit variance (without it the first
 * gradient steps of a deep flow fight badly scaled inputs).
 *
 * <p>Why the floor instead of Glow's {@code std + 1e-6}: the inputs are already standardised over the whole
 * training set, so a batch std far below 1 means the batch is unrepresentative (a feature constant within it, e.g.
 * a square wave or a metric stuck at one level), not that the feature is tiny. Glow's rule then starts with a
 * scale of 1e6, the other level lands a million standard deviations out and training diverges or silently
 * breaks (issue 13); with the floor the scale starts at most {@code 1/MIN_INIT_STD}.
 */
public final class ActNormLayer implements LayerType {
    public static final ActNormLayer INSTANCE = new ActNormLayer();

    /** Smallest batch std the data-dependent start divides by (inputs are standardised: std ≈ 1 overall). */
    public static final double MIN_INIT_STD = 0.1;

    private ActNormLayer() {
    }

    public static String scale(int block) {
        return LayerTensors.name(block, "actnorm.scale");
    }

    public static String bias(int block) {
        return LayerTensors.name(block, "actnorm.bias");
    }

    @Override
    public Map<String, int[]> parameterShapes(FlowSpec spec, int block) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(scale(block), new int[] {spec.dim()});
        m.put(bias(block), new int[] {spec.dim()});
        return m;
    }

    @Override
    public void initialize(FlowSpec spec, int block, FlowParameters params, Random rng) {
        params.put(scale(block), Tensor.zeros(spec.dim()));
        params.put(bias(block), Tensor.zeros(spec.dim()));
    }

    @Override
    public boolean dataDependent() {
        return true;
    }

    @Override
    public void initializeFromData(FlowSpec spec, int block, FlowParameters params, double[][] input) {
        int d = spec.dim();
        int n = input.length;
        double[] s = new double[d];
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            double mean = 0;
            for (double[] row : input) {
                mean += row[i];
            }
            mean /= n;
            double var = 0;
            for (double[] row : input) {
                double t = row[i] - mean;
                var += t * t;
            }
            double std = Math.sqrt(var / n);
            s[i] = -Math.log(Math.max(std, MIN_INIT_STD));
            b[i] = -mean * Math.exp(s[i]);
        }
        params.put(scale(block), Tensor.of(new int[] {d}, s));
        params.put(bias(block), Tensor.of(new int[] {d}, b));
    }

    @Override
    public void validate(FlowSpec spec, int block, FlowParameters params) {
        LayerTensors.checkLogScale(params, scale(block));
    }

    @Override
    public Transform kernel(FlowSpec spec, int block, FlowParameters params) {
        int d = spec.dim();
        return new ActNorm(params.require(scale(block), d).toDoubleArray(),
                params.require(bias(block), d).toDoubleArray());
    }

    @Override
    public LayerGraph.Output graph(LayerGraph graph, int block, SDVariable x) {
        int d = graph.spec().dim();
        SDVariable s = graph.trainable(scale(block), d);
        SDVariable b = graph.trainable(bias(block), d);
        SDVariable y = x.mul(graph.sameDiff().math.exp(s)).add(b);
        return new LayerGraph.Output(y, d == 1 ? s.reshape(-1) : s.sum()); // D = 1: see MaskedAffineLayer
    }
}
