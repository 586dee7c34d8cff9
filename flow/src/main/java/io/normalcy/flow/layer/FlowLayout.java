package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.PermutationMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Which layers a block of each flow type has, in order. The builders of the kernel, the graph, the initial
 * parameters and the expected tensor set all iterate this list, so the architecture is written down here once.
 *
 * <p>MAF (Papamakarios et al. 2017) and RealNVP (Dinh et al. 2017) share Glow's block (Kingma &amp; Dhariwal
 * 2018): optional ActNorm, optional LU linear, optional permutation, then the masked affine layer. They differ
 * only in that layer's input degrees ({@link FlowSpec#degrees(int)}: 1..D autoregressive, or two values for a
 * coupling). MAF_MOG has MAF's blocks and a mixture base density ({@link #hasMixtureBase}). A flow type with other
 * layers gets its own {@code case}.
 */
public final class FlowLayout {
    private FlowLayout() {
    }

    /** The layers of block {@code block} of {@code spec}, in forward (data → noise) order. */
    public static List<LayerType> blockLayers(FlowSpec spec, int block) {
        return switch (spec.type()) {
            case MAF, REALNVP, MAF_MOG -> glowBlock(spec);
        };
    }

    /**
     * Whether the flow ends in the autoregressive mixture base ({@link MixtureBaseLayer}, MAF_MOG) rather than
     * N(0, I).
     */
    public static boolean hasMixtureBase(FlowSpec spec) {
        return spec.type() == io.normalcy.flow.model.FlowType.MAF_MOG;
    }

    private static List<LayerType> glowBlock(FlowSpec spec) {
        List<LayerType> layers = new ArrayList<>(4);
        if (spec.actNorm()) {
            layers.add(ActNormLayer.INSTANCE);
        }
        if (spec.luLinear()) {
            layers.add(LuLinearLayer.INSTANCE);
        }
        if (spec.permutation() != PermutationMode.NONE) {
            layers.add(PermutationLayer.INSTANCE);
        }
        layers.add(MaskedAffineLayer.INSTANCE);
        return layers;
    }
}
