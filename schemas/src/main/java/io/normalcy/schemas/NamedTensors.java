package io.normalcy.schemas;

import io.normalcy.avro.NamedTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encoding of flow parameters in {@link NamedTensor}: row-major float32, little-endian. Weights are
 * stored as float32 (half the size of double, ample for network weights) while the scoring kernel
 * computes in double; see docs/design.md.
 */
public final class NamedTensors {

    private NamedTensors() {
    }

    /** Builds a tensor; {@code data.length} must equal the product of {@code shape}. */
    public static NamedTensor of(String name, int[] shape, float[] data) {
        long size = size(name, shape);
        if (size != data.length) {
            throw new IllegalArgumentException("Tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " needs " + size + " values, got " + data.length);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        List<Integer> dims = new ArrayList<>(shape.length);
        for (int d : shape) {
            dims.add(d);
        }
        return NamedTensor.newBuilder().setName(name).setShape(dims).setData(buf).build();
    }

    /** Shape of the tensor as an int array. */
    public static int[] shape(NamedTensor tensor) {
        return tensor.getShape().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Decodes the values, checking that the byte length matches the shape (a truncated or mislabelled
     * tensor is rejected with its name, never silently zero-padded).
     */
    public static float[] values(NamedTensor tensor) {
        int[] shape = shape(tensor);
        long size = size(tensor.getName(), shape);
        ByteBuffer data = tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (data.remaining() != 4L * size) {
            throw new IllegalArgumentException("Tensor '" + tensor.getName() + "': shape " + Arrays.toString(shape)
                    + " needs " + 4L * size + " bytes, got " + data.remaining());
        }
        float[] out = new float[(int) size];
        data.asFloatBuffer().get(out);
        return out;
    }

    private static long size(String name, int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("Tensor '" + name + "': too large " + Arrays.toString(shape));
            }
        }
        return size;
    }
}
