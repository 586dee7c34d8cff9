package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.ActNormLayer;
import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.layer.LuLinearLayer;
import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.layer.PermutationLayer;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;

/**
 * Which {@link LayerType}s have a hand-written training pass, and building it. Today every layer type and both
 * base densities (N(0, I) and {@link ManualMixtureBase}) have one; a future layer type without one makes the whole
 * flow train on SameDiff instead ({@code TrainingEngine.AUTO}).
 */
public final class ManualLayers {
    private ManualLayers() {
    }

    /** Whether {@code layer} has a manual pass. */
    public static boolean supports(LayerType layer) {
        return layer == ActNormLayer.INSTANCE || layer == LuLinearLayer.INSTANCE
                || layer == PermutationLayer.INSTANCE || layer == MaskedAffineLayer.INSTANCE;
    }

    /** Whether every layer of {@code spec} has a manual pass (both base densities have one). */
    public static boolean supports(FlowSpec spec) {
        for (int k = 0; k < spec.blocks(); k++) {
            for (LayerType layer : FlowLayout.blockLayers(spec, k)) {
                if (!supports(layer)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The manual pass of {@code layer} in block {@code block}; structural tensors (degrees, permutations) are read
     * from {@code params}, which the caller has validated ({@code FlowBuilder.validate}).
     *
     * @throws IllegalArgumentException when the layer type has none
     */
    public static ManualLayer of(LayerType layer, FlowSpec spec, int block, FlowParameters params) {
        if (layer == ActNormLayer.INSTANCE) {
            return new ManualActNorm(spec.dim(), block);
        }
        if (layer == LuLinearLayer.INSTANCE) {
            return new ManualLuLinear(spec.dim(), block);
        }
        if (layer == PermutationLayer.INSTANCE) {
            return new ManualPermutation(codes(params, PermutationLayer.permutation(block), spec.dim()));
        }
        if (layer == MaskedAffineLayer.INSTANCE) {
            return new ManualMaskedAffine(spec, block, codes(params, MaskedAffineLayer.degrees(block), spec.dim()));
        }
        throw new IllegalArgumentException("layer " + layer.getClass().getSimpleName()
                + " has no manual training pass; train this flow with the SameDiff engine");
    }

    private static int[] codes(FlowParameters params, String name, int d) {
        float[] f = params.require(name, d).data();
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (int) f[i];
        }
        return r;
    }
}
