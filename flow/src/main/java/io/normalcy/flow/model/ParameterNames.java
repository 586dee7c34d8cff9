package io.normalcy.flow.model;

import io.normalcy.flow.layer.MaskedAffineLayer;

/**
 * Former home of the tensor names; each name is now defined by its layer type in {@code io.normalcy.flow.layer}
 * (e.g. {@link MaskedAffineLayer#outputWeight(int)}).
 *
 * @deprecated aliases kept only so the benchmarks and the detector's test models compile unchanged; use the
 *             layer classes. Remove once those callers have moved.
 */
@Deprecated(forRemoval = true)
public final class ParameterNames {
    private ParameterNames() {
    }

    /** Hidden layer {@code layer} weights [H_l, in_l]. */
    public static String hiddenWeight(int block, int layer) {
        return MaskedAffineLayer.hiddenWeight(block, layer);
    }

    /** Hidden layer {@code layer} context weights [H_l, C] (absent when C = 0). */
    public static String hiddenContextWeight(int block, int layer) {
        return MaskedAffineLayer.hiddenContextWeight(block, layer);
    }

    public static String hiddenBias(int block, int layer) {
        return MaskedAffineLayer.hiddenBias(block, layer);
    }

    public static String outputWeight(int block) {
        return MaskedAffineLayer.outputWeight(block);
    }

    public static String outputContextWeight(int block) {
        return MaskedAffineLayer.outputContextWeight(block);
    }

    public static String outputBias(int block) {
        return MaskedAffineLayer.outputBias(block);
    }
}
