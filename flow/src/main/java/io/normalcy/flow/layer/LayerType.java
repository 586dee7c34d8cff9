package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.transform.Transform;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One kind of flow layer, defined once: its tensors and their shapes, their initialisation, the plain-Java
 * scoring kernel and the SameDiff training graph. As in nflows / zuko, a layer maps its input to an output AND
 * log|det J|, in the data → noise direction of {@link Transform}.
 *
 * <p>Why one class per layer: the parameter layout, the initialiser, the loader's shape check, the kernel and the
 * graph must agree tensor by tensor. Spelled out in five places they drift; here they sit next to each other and
 * {@link FlowLayout} lists which layers a block has. Adding a layer type is one implementation of this interface,
 * one line in {@link FlowLayout} and a case in {@code FlowGraphParityTest} (graph and kernel must give the same
 * density). Implementations are stateless singletons; every method gets the block index so names and seeded
 * structure can differ per block.
 */
public interface LayerType {

    /**
     * The tensors of this layer in block {@code block}, in canonical (serialisation) order, with their shapes.
     * The model loader checks untrusted model bytes against these before anything reads them.
     */
    Map<String, int[]> parameterShapes(FlowSpec spec, int block);

    /**
     * Puts the initial value of every tensor of {@link #parameterShapes} into {@code params}. Draws from
     * {@code rng} in a fixed order: models are reproducible from their seed.
     */
    void initialize(FlowSpec spec, int block, FlowParameters params, Random rng);

    /** Whether {@link #initializeFromData} does anything (then the trainer passes a first batch through). */
    default boolean dataDependent() {
        return false;
    }

    /**
     * Data-dependent initialisation from the rows that enter this layer (flow space, after the preceding
     * layers), overwriting this layer's tensors. Default: none.
     */
    default void initializeFromData(FlowSpec spec, int block, FlowParameters params, double[][] input) {
    }

    /**
     * Value checks beyond shape and finiteness (which the caller has done for every tensor), e.g. integer codes
     * or log-scale bounds. Parameters may come from an untrusted topic.
     *
     * @throws IllegalArgumentException naming the offending tensor
     */
    default void validate(FlowSpec spec, int block, FlowParameters params) {
    }

    /** The plain-Java scoring transform of this layer in block {@code block} (double precision). */
    Transform kernel(FlowSpec spec, int block, FlowParameters params);

    /**
     * The scoring transform of {@code kind}. Default: the scalar {@link #kernel(FlowSpec, int, FlowParameters)},
     * the per-layer fallback of layers without a SIMD variant (ActNorm, LU linear and permutations are O(D) or
     * O(D²) per record; the MADE networks are where the time goes).
     */
    default Transform kernel(FlowSpec spec, int block, FlowParameters params, ScoringKernel kind) {
        return kernel(spec, block, params);
    }

    /**
     * The same map in SameDiff ops, for training: {@code x} [B, D] → output [B, D] and log|det J| (a scalar or
     * [B]; null when the layer is volume preserving). Trainable tensors come from
     * {@link LayerGraph#trainable}, structural ones (integer codes) from {@link LayerGraph#structural}.
     */
    LayerGraph.Output graph(LayerGraph graph, int block, SDVariable x);
}
