package io.normalcy.flow.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ordered name → {@link Tensor} map of a flow (names defined by the layer types of
 * {@code io.normalcy.flow.layer}). Insertion order is kept so serialised models are deterministic. Not
 * thread-safe: build it, then share it read-only.
 *
 * <p>{@link #require} is how every consumer reads a tensor: model bytes may come from an untrusted
 * topic, so a missing tensor or a wrong shape must fail with a message naming the tensor and both shapes
 * rather than an {@link ArrayIndexOutOfBoundsException} deep in the kernel.
 */
public final class FlowParameters {
    private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();

    public FlowParameters() {
    }

    public FlowParameters(Map<String, Tensor> tensors) {
        tensors.forEach(this::put);
    }

    /** Adds or replaces a tensor (replacing keeps its position). */
    public FlowParameters put(String name, Tensor tensor) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (tensor == null) {
            throw new IllegalArgumentException("tensor '" + name + "' must not be null");
        }
        tensors.put(name, tensor);
        return this;
    }

    /** The tensor or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The tensor named {@code name}, which must exist and have exactly {@code shape}.
     *
     * @throws IllegalArgumentException naming the tensor and both shapes
     */
    public Tensor require(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(shape) + ")");
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but " + Arrays.toString(shape) + " is expected");
        }
        return t;
    }

    /**
     * Throws if any tensor holds NaN or ±∞.
     *
     * @throws IllegalArgumentException naming the tensor and the flat index
     */
    public void checkFinite() {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            int bad = e.getValue().firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has non-finite value "
                        + e.getValue().data()[bad] + " at flat index " + bad);
            }
        }
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** Read-only ordered view. */
    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    /** Total number of scalar values. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.size();
        }
        return n;
    }

    /** Deep copy (tensor data arrays are copied too). */
    public FlowParameters copy() {
        FlowParameters c = new FlowParameters();
        tensors.forEach((k, v) -> c.put(k, new Tensor(v.shape(), v.data().clone())));
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowParameters p && tensors.equals(p.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FlowParameters{");
        tensors.forEach((k, v) -> sb.append(k).append(Arrays.toString(v.shape())).append(' '));
        return sb.append('}').toString();
    }
}
