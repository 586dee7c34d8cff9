package io.normalcy.flow.train.manual;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training-time pass of one layer of one block, written by hand: the forward map of its
 * {@link io.normalcy.flow.layer.LayerType#graph} and its analytic backward. One implementation per layer type,
 * each next to nothing but its own math; {@link ManualLayers} maps a layer type to its implementation. Buffers
 * are allocated once per batch size and reused, and every call writes into them in place: a training step makes no
 * per-op allocation, no shape inference and no session look-up.
 *
 * <p>Contract: {@link #forward} keeps references to its input and its own buffers; {@link #backward} must follow
 * the forward of the same batch before the next forward. Inputs of {@link #backward} may be overwritten.
 */
public interface ManualLayer {

    /** The trainable tensors of this layer, name → shape, in the graph's creation order. */
    Map<String, int[]> trainableShapes();

    /** Takes this layer's parameter and gradient views from the store (once, before the first forward). */
    void bind(ParameterStore store);

    /**
     * {@code x} [n, D] → y [n, D] (a buffer of this layer, or {@code x} itself), adding each row's log|det J| to
     * {@code logp} [n, 1].
     *
     * @param c the context [n, C], null when C = 0
     */
    INDArray forward(INDArray x, INDArray c, INDArray logp);

    /**
     * Given dL/dy [n, D] of the last forward and dL/d(log|det J| of a row) = {@code gLogDet} (the same for every
     * row), writes this layer's parameter gradients into the store's gradient views and returns dL/dx [n, D].
     */
    INDArray backward(INDArray gy, INDArray c, double gLogDet);
}
