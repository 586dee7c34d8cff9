package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.Permutation;
import io.normalcy.flow.transform.Transform;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Fixed permutation {@code z_i = x_{perm[i]}} (volume preserving), tensor {@code b{k}.perm} [D] of float-coded
 * indices. Its value is derived from the spec's seed ({@link FlowSpec#permutation(int)}) but stored, so a model
 * never depends on that derivation staying the same; it is structural (never trained).
 */
public final class PermutationLayer implements LayerType {
    public static final PermutationLayer INSTANCE = new PermutationLayer();

    private PermutationLayer() {
    }

    public static String permutation(int block) {
        return LayerTensors.name(block, "perm");
    }

    @Override
    public Map<String, int[]> parameterShapes(FlowSpec spec, int block) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(permutation(block), new int[] {spec.dim()});
        return m;
    }

    @Override
    public void initialize(FlowSpec spec, int block, FlowParameters params, Random rng) {
        params.put(permutation(block), LayerTensors.intTensor(spec.permutation(block)));
    }

    @Override
    public void validate(FlowSpec spec, int block, FlowParameters params) {
        decode(spec, block, params);
    }

    @Override
    public Transform kernel(FlowSpec spec, int block, FlowParameters params) {
        return new Permutation(decode(spec, block, params));
    }

    /**
     * {@code y = x·M} with the constant 0/1 matrix {@code M[perm[i], i] = 1}: exact in float (every other term is
     * an exact zero), like a gather. Not {@code sd.gather}: the gradient of ND4J's Gather creates a variable with a
     * fixed name, so a second gather in the graph (a permutation in two blocks) made the backward graph fail.
     */
    @Override
    public LayerGraph.Output graph(LayerGraph graph, int block, SDVariable x) {
        String name = permutation(block);
        int d = graph.spec().dim();
        int[] perm = decode(name, graph.structural(name, d), d);
        SDVariable m = graph.constant("b" + block + "_perm_matrix", d, d, () -> {
            float[] a = new float[d * d];
            for (int i = 0; i < d; i++) {
                a[perm[i] * d + i] = 1f;
            }
            return a;
        });
        return new LayerGraph.Output(graph.sameDiff().mmul(x, m), null);
    }

    private static int[] decode(FlowSpec spec, int block, FlowParameters params) {
        String name = permutation(block);
        return decode(name, params.require(name, spec.dim()), spec.dim());
    }

    /** The permutation of 0..D−1 a tensor codes, naming the tensor when it is not one. */
    private static int[] decode(String name, Tensor t, int d) {
        int[] perm = LayerTensors.integers(t, name, 0, d - 1);
        boolean[] seen = new boolean[d];
        for (int v : perm) {
            if (seen[v]) {
                throw new IllegalArgumentException("tensor '" + name + "' is not a permutation: "
                        + Arrays.toString(perm));
            }
            seen[v] = true;
        }
        return perm;
    }
}
