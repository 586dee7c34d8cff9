package io.normalcy.flow.train.manual;

import io.normalcy.flow.model.FlowParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every trainable tensor of a manual training step as a view into one flat parameter array, and its gradient as a
 * view into one flat gradient array of the same layout. Why flat: Adam, clipping and weight decay are element-wise,
 * so the optimiser makes a handful of ND4J calls per step over the whole model instead of a handful per tensor
 * (40 tensors for the benchmark's MAF). The rank-2 tensors (weight matrices, the only ones weight decay applies to)
 * are laid out first, so their decay is one call over the leading {@link #decayedLength()} values.
 */
public final class ParameterStore implements AutoCloseable {
    private final INDArray params;
    private final INDArray grads;
    private final Map<String, INDArray> paramViews = new LinkedHashMap<>();
    private final Map<String, INDArray> gradViews = new LinkedHashMap<>();
    private final long decayed;

    /**
     * @param shapes trainable tensor name → shape, in canonical order (the order of {@link #names()})
     * @param init   initial values of at least those tensors
     */
    public ParameterStore(Map<String, int[]> shapes, FlowParameters init) {
        List<String> layout = new ArrayList<>();
        long total = 0;
        long rank2 = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            if (e.getValue().length == 2) {
                layout.add(e.getKey());
                rank2 += length(e.getValue());
            }
            total += length(e.getValue());
        }
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            if (e.getValue().length != 2) {
                layout.add(e.getKey());
            }
        }
        this.decayed = rank2;
        this.params = Nd4j.create(DataType.FLOAT, total);
        this.grads = Nd4j.create(DataType.FLOAT, total);
        Map<String, INDArray[]> views = new LinkedHashMap<>();
        long off = 0;
        for (String name : layout) {
            int[] shape = shapes.get(name);
            long n = length(shape);
            long[] s = toLong(shape);
            INDArray p = params.get(NDArrayIndex.interval(off, off + n)).reshape('c', s);
            INDArray g = grads.get(NDArrayIndex.interval(off, off + n)).reshape('c', s);
            p.assign(Nd4j.create(init.require(name, shape).data().clone(), s, 'c'));
            views.put(name, new INDArray[] {p, g});
            off += n;
        }
        for (String name : shapes.keySet()) {
            paramViews.put(name, views.get(name)[0]);
            gradViews.put(name, views.get(name)[1]);
        }
    }

    private static long length(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    /** The live view of a tensor's values. */
    public INDArray param(String name) {
        return require(paramViews, name);
    }

    /** The view of a tensor's gradient (overwritten by every backward pass). */
    public INDArray grad(String name) {
        return require(gradViews, name);
    }

    private static INDArray require(Map<String, INDArray> m, String name) {
        INDArray a = m.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no trainable tensor '" + name + "' in this flow");
        }
        return a;
    }

    /** Trainable tensor names in canonical order. */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(paramViews.keySet());
    }

    /** Gradient views by name, canonical order. */
    public Map<String, INDArray> gradients() {
        return Collections.unmodifiableMap(gradViews);
    }

    public INDArray flatParameters() {
        return params;
    }

    public INDArray flatGradients() {
        return grads;
    }

    /** Leading values of the flat arrays that belong to rank-2 tensors. */
    public long decayedLength() {
        return decayed;
    }

    @Override
    public void close() {
        params.close();
        grads.close();
    }
}
