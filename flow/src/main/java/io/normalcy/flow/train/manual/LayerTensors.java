package io.normalcy.flow.train.manual;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fixed set of trainable tensors of a manual layer, each declared once with its name and shape. Why: a layer
 * lists its tensors twice, as the shapes it asks the {@link ParameterStore} for ({@link ManualLayer#trainableShapes})
 * and as the value and gradient views it takes back ({@link ManualLayer#bind}); declaring a tensor here gives both from
 * one line, so the two lists cannot drift apart.
 */
final class LayerTensors {
    private final List<Tensor> tensors = new ArrayList<>();

    /** Declares a tensor; its views are set by {@link #bind}. Declaration order is the graph's creation order. */
    Tensor declare(String name, int... shape) {
        Tensor t = new Tensor(name, shape.clone());
        tensors.add(t);
        return t;
    }

    /** Name → shape of every declared tensor, in declaration order. */
    Map<String, int[]> shapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            m.put(t.name, t.shape.clone());
        }
        return Collections.unmodifiableMap(m);
    }

    /** Takes every declared tensor's value and gradient view from {@code store}. */
    void bind(ParameterStore store) {
        for (Tensor t : tensors) {
            t.value = store.param(t.name);
            t.grad = store.grad(t.name);
        }
    }

    /** One trainable tensor: its live value view and its gradient view, null until bound. */
    static final class Tensor {
        private final String name;
        private final int[] shape;
        private INDArray value;
        private INDArray grad;

        private Tensor(String name, int[] shape) {
            this.name = name;
            this.shape = shape;
        }

        /** The live view of the values (updated in place by the optimiser). */
        INDArray value() {
            return value;
        }

        /** The gradient view a backward pass writes into. */
        INDArray grad() {
            return grad;
        }
    }
}
