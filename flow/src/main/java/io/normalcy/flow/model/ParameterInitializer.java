package io.normalcy.flow.model;

import io.normalcy.flow.transform.MadeMasks;

import java.util.Map;
import java.util.Random;

/**
 * Initial parameters of a {@link FlowSpec}, per {@code docs/design.md}: ActNorm and LU start as the
 * identity; hidden weights (W and context V of each hidden layer) ~ N(0, 2/fan_in) with fan_in = in_l + C
 * (He et al. 2015, suits ReLU); output W and V ~ N(0, 10⁻⁴) and all biases 0, so every block starts
 * close to the identity and training starts from a standard normal density. Masked-out weights are
 * stored as exact zeros. Degrees and permutations come from {@link FlowSpec#degrees(int)} and
 * {@link FlowSpec#permutation(int)} (the spec's seed); {@code rng} only draws the weights.
 */
public final class ParameterInitializer {
    private static final double OUTPUT_STD = 1e-2;

    private ParameterInitializer() {
    }

    public static FlowParameters initialize(FlowSpec spec, Random rng) {
        FlowParameters p = new FlowParameters();
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        for (int k = 0; k < spec.blocks(); k++) {
            if (spec.actNorm()) {
                p.put(ParameterNames.actNormScale(k), Tensor.zeros(d));
                p.put(ParameterNames.actNormBias(k), Tensor.zeros(d));
            }
            if (spec.luLinear()) {
                p.put(ParameterNames.luLower(k), Tensor.zeros(d, d));
                p.put(ParameterNames.luUpper(k), Tensor.zeros(d, d));
                p.put(ParameterNames.luLogDiag(k), Tensor.zeros(d));
                p.put(ParameterNames.luBias(k), Tensor.zeros(d));
            }
            int[] perm = spec.permutation(k);
            if (perm != null) {
                p.put(ParameterNames.permutation(k), intTensor(perm));
            }
            int[] deg = spec.degrees(k);
            p.put(ParameterNames.degrees(k), intTensor(deg));
            int in = d;
            int[] prevDeg = deg;
            for (int l = 0; l < hidden.length; l++) {
                int h = hidden[l];
                int[] hdeg = MadeMasks.hiddenDegrees(deg, h);
                float[] mask = l == 0 ? MadeMasks.inputMask(deg, hdeg) : MadeMasks.hiddenMask(hdeg, prevDeg);
                double std = Math.sqrt(2.0 / (in + c));
                p.put(ParameterNames.hiddenWeight(k, l), masked(new int[] {h, in}, mask, std, rng));
                if (c > 0) {
                    p.put(ParameterNames.hiddenContextWeight(k, l), gaussian(new int[] {h, c}, std, rng));
                }
                p.put(ParameterNames.hiddenBias(k, l), Tensor.zeros(h));
                in = h;
                prevDeg = hdeg;
            }
            float[] outMask = MadeMasks.outputMask(deg, prevDeg);
            p.put(ParameterNames.outputWeight(k), masked(new int[] {2 * d, in}, outMask, OUTPUT_STD, rng));
            if (c > 0) {
                p.put(ParameterNames.outputContextWeight(k), gaussian(new int[] {2 * d, c}, OUTPUT_STD, rng));
            }
            p.put(ParameterNames.outputBias(k), Tensor.zeros(2 * d));
        }
        assert sameLayout(spec.expectedShapes(), p);
        return p;
    }

    /** Float-coded integer tensor (degrees, permutations). */
    public static Tensor intTensor(int[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = values[i];
        }
        return new Tensor(new int[] {values.length}, f);
    }

    private static Tensor gaussian(int[] shape, double std, Random rng) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * std);
        }
        return t;
    }

    private static Tensor masked(int[] shape, float[] mask, double std, Random rng) {
        Tensor t = gaussian(shape, std, rng);
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) {
            if (mask[i] == 0f) {
                a[i] = 0f;
            }
        }
        return t;
    }

    private static boolean sameLayout(Map<String, int[]> expected, FlowParameters p) {
        if (!expected.keySet().equals(p.names())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> p.get(e.getKey()).hasShape(e.getValue()));
    }
}
