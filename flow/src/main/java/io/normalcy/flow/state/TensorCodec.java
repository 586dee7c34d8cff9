package io.normalcy.flow.state;

import io.normalcy.avro.NamedTensor;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.schemas.NamedTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Tensor} ⇄ Avro {@code NamedTensor}: row-major float32, little-endian, 4 bytes per value. Decoding
 * checks the untrusted record against the spec before allocating anything: name set, shape equality, size with
 * {@link Math#multiplyExact}, byte length and finiteness.
 */
final class TensorCodec {
    private TensorCodec() {
    }

    static List<NamedTensor> encode(FlowParameters params) {
        List<NamedTensor> out = new ArrayList<>(params.size());
        params.asMap().forEach((name, t) -> out.add(NamedTensors.of(name, t.shape(), t.data())));
        return out;
    }

    /** Decodes in the spec's canonical order after checking every tensor against it. */
    static FlowParameters decode(List<NamedTensor> tensors, FlowSpec spec) throws InvalidModelException {
        Map<String, int[]> expected = spec.expectedShapes();
        Map<String, NamedTensor> byName = new java.util.HashMap<>();
        for (NamedTensor nt : tensors) {
            if (byName.put(nt.getName(), nt) != null) {
                throw new InvalidModelException("duplicate tensor '" + nt.getName() + "'");
            }
        }
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(byName.keySet());
        if (!missing.isEmpty()) {
            throw new InvalidModelException("missing tensor(s) " + missing + " required by the architecture");
        }
        Set<String> unexpected = new TreeSet<>(byName.keySet());
        unexpected.removeAll(new HashSet<>(expected.keySet()));
        if (!unexpected.isEmpty()) {
            throw new InvalidModelException("unexpected tensor(s) " + unexpected + " not in the architecture");
        }
        FlowParameters params = new FlowParameters();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String name = e.getKey();
            NamedTensor nt = byName.get(name);
            int[] shape = nt.getShape().stream().mapToInt(Integer::intValue).toArray();
            if (!Arrays.equals(shape, e.getValue())) {
                throw new InvalidModelException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + " but the architecture requires " + Arrays.toString(e.getValue()));
            }
            int size = 1;
            for (int s : shape) {
                size = Math.multiplyExact(size, s); // expected shapes are bounded by FlowSpec
            }
            long expectedBytes = 4L * size;
            if (nt.getData().remaining() != expectedBytes) {
                throw new InvalidModelException("tensor '" + name + "' has " + nt.getData().remaining()
                        + " bytes but shape " + Arrays.toString(shape) + " needs " + expectedBytes);
            }
            float[] values = NamedTensors.values(nt);
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new InvalidModelException("tensor '" + name + "' has non-finite value " + values[i]
                            + " at flat index " + i);
                }
            }
            params.put(name, new Tensor(shape, values));
        }
        return params;
    }
}
