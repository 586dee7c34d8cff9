package io.normalcy.flow.train.manual;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link io.normalcy.flow.layer.PermutationLayer} by hand: {@code y = x·P} with the 0/1 matrix
 * {@code P[perm[i], i] = 1} (exact in float, as in the graph), backward {@code dx = dy·Pᵀ}; volume preserving,
 * nothing trained. One D×D matmul each way is cheaper than a gather's index bookkeeping at these widths.
 */
final class ManualPermutation implements ManualLayer {
    private final INDArray matrix;
    private final BatchBuffers<INDArray[]> buffers;

    ManualPermutation(int[] perm) {
        int d = perm.length;
        float[] a = new float[d * d];
        for (int i = 0; i < d; i++) {
            a[perm[i] * d + i] = 1f;
        }
        this.matrix = Nd4j.create(a, new long[] {d, d}, 'c');
        // {y, dx}
        this.buffers = new BatchBuffers<>(n -> new INDArray[] {Nd4j.create(DataType.FLOAT, n, d),
            Nd4j.create(DataType.FLOAT, n, d)});
    }

    @Override
    public Map<String, int[]> trainableShapes() {
        return Map.of();
    }

    @Override
    public void bind(ParameterStore store) {
    }

    @Override
    public INDArray forward(INDArray x, INDArray c, INDArray logp) {
        return Nd4j.gemm(x, matrix, buffers.get((int) x.rows())[0], false, false, 1.0, 0.0);
    }

    @Override
    public INDArray backward(INDArray gy, INDArray c, double gLogDet) {
        return Nd4j.gemm(gy, matrix, buffers.get((int) gy.rows())[1], false, true, 1.0, 0.0);
    }
}
