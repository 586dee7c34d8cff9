package io.normalcy.flow.model;

import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.transform.CompositeTransform;
import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.Transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the plain-Java scoring {@link Flow} from a {@link FlowSpec} and its {@link FlowParameters}: one kernel
 * {@link Transform} per layer of {@link FlowLayout}, block by block, and the base density (N(0, I), or the
 * MAF_MOG mixture of {@link MixtureBaseLayer}).
 *
 * <p>Parameters may come from an untrusted topic, so everything is validated before any transform is
 * built: the exact tensor set of {@link FlowSpec#expectedShapes()} (missing, misshapen or unexpected
 * tensors are rejected by name), finiteness, then each layer's own value checks ({@link LayerType#validate}:
 * permutation and degree tensors holding valid integers, log-scales small enough that exp() cannot overflow).
 * Masked-out MADE weights are ignored, i.e. treated as zero whatever they hold (SameDiff multiplies raw weights
 * by the mask, so stored raw weights may be non-zero there). Float32 tensors are widened to double.
 */
public final class FlowBuilder {

    private FlowBuilder() {
    }

    /** The scalar (double, reference) kernel. */
    public static Flow build(FlowSpec spec, FlowParameters params) {
        return build(spec, params, ScoringKernel.SCALAR);
    }

    /**
     * The flow evaluated by {@code kind}: with {@link ScoringKernel#SIMD} the MADE layers (MAF / coupling blocks and
     * the MAF_MOG base) use the float Vector API kernel and the other layers their scalar one; the caller has checked
     * that the Vector API is available ({@link io.normalcy.flow.kernel.KernelSelector}).
     */
    public static Flow build(FlowSpec spec, FlowParameters params, ScoringKernel kind) {
        validate(spec, params);
        List<Transform> parts = new ArrayList<>();
        for (int k = 0; k < spec.blocks(); k++) {
            parts.addAll(blockParts(spec, params, k, kind));
        }
        CompositeTransform transform = new CompositeTransform(parts);
        if (FlowLayout.hasMixtureBase(spec)) {
            return new Flow(transform, MixtureBaseLayer.INSTANCE.kernel(spec, params, kind), spec.contextDim());
        }
        return new Flow(transform, spec.contextDim());
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
            for (LayerType layer : FlowLayout.blockLayers(spec, k)) {
                layer.validate(spec, k, params);
            }
        }
    }

    /** The kernel transforms of block {@code k}, one per layer of {@link FlowLayout#blockLayers}, in order. */
    public static List<Transform> blockParts(FlowSpec spec, FlowParameters params, int k) {
        return blockParts(spec, params, k, ScoringKernel.SCALAR);
    }

    /** As {@link #blockParts(FlowSpec, FlowParameters, int)} with the kernels of {@code kind}. */
    public static List<Transform> blockParts(FlowSpec spec, FlowParameters params, int k, ScoringKernel kind) {
        List<LayerType> layers = FlowLayout.blockLayers(spec, k);
        List<Transform> parts = new ArrayList<>(layers.size());
        for (LayerType layer : layers) {
            parts.add(layer.kernel(spec, k, params, kind));
        }
        return parts;
    }
}
