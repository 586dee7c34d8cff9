package io.normalcy.flow.model;

import java.util.Arrays;

/**
 * A named model parameter: float32 values in row-major order plus their shape. Models are stored in
 * float32 (half the bytes of double, and what the trainer computes in); the scoring kernel widens to
 * double when it builds a {@link io.normalcy.flow.transform.Flow}.
 *
 * <p>The constructor checks that the shape's product (computed with {@link Math#multiplyExact}, so a
 * hostile shape cannot overflow into a small number) equals the data length. The data array is not
 * copied; treat it as read-only once the tensor is shared.
 */
public record Tensor(int[] shape, float[] data) {

    public Tensor {
        if (shape == null) {
            throw new IllegalArgumentException("tensor shape must not be null");
        }
        if (data == null) {
            throw new IllegalArgumentException("tensor data must not be null");
        }
        shape = shape.clone();
        int size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape)
                        + " has a negative extent at axis " + i);
            }
            try {
                size = Math.multiplyExact(size, shape[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " is too large", e);
            }
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " needs " + size
                    + " values but data has " + data.length);
        }
    }

    /** A zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        int size = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, s);
        }
        return new Tensor(shape, new float[size]);
    }

    /** Rounds doubles to float32. */
    public static Tensor of(int[] shape, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new Tensor(shape, f);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Values widened to double. */
    public double[] toDoubleArray() {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return d;
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
