package io.normalcy.flow.model;

import io.normalcy.flow.transform.ActNorm;
import io.normalcy.flow.transform.CompositeTransform;
import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.LuLinear;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Permutation;
import io.normalcy.flow.transform.Transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the plain-Java scoring {@link Flow} from a {@link FlowSpec} and its {@link FlowParameters}.
 *
 * <p>Parameters may come from an untrusted topic, so everything is validated before any transform is
 * built: the exact tensor set of {@link FlowSpec#expectedShapes()} (missing, misshapen or unexpected
 * tensors are rejected by name), finiteness, permutation and degree tensors holding valid integers, and
 * log-scales small enough that exp() cannot overflow. Masked-out MADE weights are ignored, i.e. treated as
 * zero whatever they hold (SameDiff multiplies raw weights by the mask, so stored raw weights may be
 * non-zero there). Float32 tensors are widened to double.
 */
public final class FlowBuilder {
    /** |log-scale| bound for ActNorm scale and LU logdiag: exp(±80) is still far from overflow. */
    public static final double MAX_ABS_LOG_SCALE = 80.0;
    /** Degrees above this are rejected (real specs use ≤ D ≤ {@value FlowSpec#MAX_DIM}). */
    private static final int MAX_DEGREE = 1 << 20;

    private FlowBuilder() {
    }

    public static Flow build(FlowSpec spec, FlowParameters params) {
        validate(spec, params);
        List<Transform> parts = new ArrayList<>();
        for (int k = 0; k < spec.blocks(); k++) {
            parts.addAll(blockParts(spec, params, k));
        }
        return new Flow(new CompositeTransform(parts), spec.contextDim());
    }

    /**
     * Checks the tensor set, shapes and values against the spec.
     *
     * @throws IllegalArgumentException naming the offending tensor
     */
    public static void validate(FlowSpec spec, FlowParameters params) {
        if (spec == null || params == null) {
            throw new IllegalArgumentException("spec and parameters must not be null");
        }
        Map<String, int[]> expected = spec.expectedShapes();
        for (String name : params.names()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' for " + spec);
            }
        }
        expected.forEach(params::require);
        params.checkFinite();
        for (int k = 0; k < spec.blocks(); k++) {
            if (spec.actNorm()) {
                checkLogScale(params, ParameterNames.actNormScale(k));
            }
            if (spec.luLinear()) {
                checkLogScale(params, ParameterNames.luLogDiag(k));
            }
            if (spec.permutation() != PermutationMode.NONE) {
                String name = ParameterNames.permutation(k);
                int[] perm = integers(params.get(name), name, 0, spec.dim() - 1);
                boolean[] seen = new boolean[perm.length];
                for (int v : perm) {
                    if (seen[v]) {
                        throw new IllegalArgumentException("tensor '" + name + "' is not a permutation: "
                                + Arrays.toString(perm));
                    }
                    seen[v] = true;
                }
            }
            String dn = ParameterNames.degrees(k);
            integers(params.get(dn), dn, 1, MAX_DEGREE);
        }
    }

    /** The transforms of block {@code k} in contract order (ActNorm, LU, permutation, masked affine). */
    public static List<Transform> blockParts(FlowSpec spec, FlowParameters params, int k) {
        int d = spec.dim();
        int c = spec.contextDim();
        List<Transform> parts = new ArrayList<>(4);
        if (spec.actNorm()) {
            parts.add(new ActNorm(params.require(ParameterNames.actNormScale(k), d).toDoubleArray(),
                    params.require(ParameterNames.actNormBias(k), d).toDoubleArray()));
        }
        if (spec.luLinear()) {
            parts.add(new LuLinear(params.require(ParameterNames.luLower(k), d, d).toDoubleArray(),
                    params.require(ParameterNames.luUpper(k), d, d).toDoubleArray(),
                    params.require(ParameterNames.luLogDiag(k), d).toDoubleArray(),
                    params.require(ParameterNames.luBias(k), d).toDoubleArray()));
        }
        if (spec.permutation() != PermutationMode.NONE) {
            String name = ParameterNames.permutation(k);
            parts.add(new Permutation(integers(params.require(name, d), name, 0, d - 1)));
        }
        String dn = ParameterNames.degrees(k);
        int[] deg = integers(params.require(dn, d), dn, 1, MAX_DEGREE);
        int[] hidden = spec.hidden();
        double[][] w = new double[hidden.length][];
        double[][] v = new double[hidden.length][];
        double[][] b = new double[hidden.length][];
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            w[l] = params.require(ParameterNames.hiddenWeight(k, l), hidden[l], in).toDoubleArray();
            if (c > 0) {
                v[l] = params.require(ParameterNames.hiddenContextWeight(k, l), hidden[l], c).toDoubleArray();
            }
            b[l] = params.require(ParameterNames.hiddenBias(k, l), hidden[l]).toDoubleArray();
            in = hidden[l];
        }
        double[] wout = params.require(ParameterNames.outputWeight(k), 2 * d, in).toDoubleArray();
        double[] vout = c > 0 ? params.require(ParameterNames.outputContextWeight(k), 2 * d, c).toDoubleArray() : null;
        double[] bout = params.require(ParameterNames.outputBias(k), 2 * d).toDoubleArray();
        parts.add(new MaskedAffineAutoregressive(deg, c, w, v, b, wout, vout, bout, spec.scaleClamp(),
                spec.additive()));
        return parts;
    }

    private static void checkLogScale(FlowParameters params, String name) {
        float[] a = params.get(name).data();
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) > MAX_ABS_LOG_SCALE) {
                throw new IllegalArgumentException("tensor '" + name + "' value " + a[i] + " at index " + i
                        + " is outside [-" + MAX_ABS_LOG_SCALE + ", " + MAX_ABS_LOG_SCALE + "]");
            }
        }
    }

    private static int[] integers(Tensor t, String name, int min, int max) {
        float[] a = t.data();
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            float f = a[i];
            if (f != Math.rint(f) || f < min || f > max) {
                throw new IllegalArgumentException("tensor '" + name + "' must hold integers in [" + min + ", "
                        + max + "], got " + f + " at index " + i);
            }
            r[i] = (int) f;
        }
        return r;
    }
}
