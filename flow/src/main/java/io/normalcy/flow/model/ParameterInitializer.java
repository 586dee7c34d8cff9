package io.normalcy.flow.model;

import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.layer.MixtureBaseLayer;

import java.util.Map;
import java.util.Random;

/**
 * Initial parameters of a {@link FlowSpec}, per {@code docs/design.md}: each layer of {@link FlowLayout}
 * initialises its own tensors ({@link LayerType#initialize}), block by block, so every block starts close to the
 * identity and training starts from a standard normal density. Degrees and permutations come from
 * {@link FlowSpec#degrees(int)} and {@link FlowSpec#permutation(int)} (the spec's seed); {@code rng} only draws
 * the weights, in layer order, so a seed reproduces a model.
 */
public final class ParameterInitializer {

    private ParameterInitializer() {
    }

    public static FlowParameters initialize(FlowSpec spec, Random rng) {
        FlowParameters p = new FlowParameters();
        for (int k = 0; k < spec.blocks(); k++) {
            for (LayerType layer : FlowLayout.blockLayers(spec, k)) {
                layer.initialize(spec, k, p, rng);
            }
        }
        if (FlowLayout.hasMixtureBase(spec)) {
            MixtureBaseLayer.INSTANCE.initialize(spec, p, rng);
        }
        assert sameLayout(spec.expectedShapes(), p) : "a layer's initialize disagrees with its parameterShapes";
        return p;
    }

    private static boolean sameLayout(Map<String, int[]> expected, FlowParameters p) {
        if (!expected.keySet().equals(p.names())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> p.get(e.getKey()).hasShape(e.getValue()));
    }
}
