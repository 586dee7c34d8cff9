package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.LuLinearLayer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link LuLinearLayer} by hand: {@code L = lower∘S_L + I}, {@code U = upper∘S_U + diag(exp(logdiag))},
 * {@code W = L·U}, {@code y = x·Wᵀ + bias}, log-det {@code Σ logdiag} (the same for every row; S_L, S_U the strict
 * triangles). Backward: {@code dW = dyᵀ·x}, {@code dx = dy·W}, {@code dbias = Σ_rows dy},
 * {@code dlower = (dW·Uᵀ)∘S_L}, {@code dU = Lᵀ·dW}, {@code dupper = dU∘S_U},
 * {@code dlogdiag = diag(dU) ⊙ exp(logdiag) + n·g_logdet}. All D×D except the two [n, D] products.
 */
final class ManualLuLinear implements ManualLayer {
    private final LayerTensors tensors = new LayerTensors();
    private final LayerTensors.Tensor lower;
    private final LayerTensors.Tensor upper;
    private final LayerTensors.Tensor logDiag;
    private final LayerTensors.Tensor bias;
    private final INDArray strictLower;
    private final INDArray strictUpper;
    private final INDArray eye;
    private final INDArray l;
    private final INDArray u;
    private final INDArray w;
    private final INDArray diag;
    private final INDArray expDiag;
    private final INDArray gU;
    private final BatchBuffers<INDArray[]> buffers;
    private INDArray input;

    ManualLuLinear(int d, int block) {
        lower = tensors.declare(LuLinearLayer.lower(block), d, d);
        upper = tensors.declare(LuLinearLayer.upper(block), d, d);
        logDiag = tensors.declare(LuLinearLayer.logDiag(block), d);
        bias = tensors.declare(LuLinearLayer.bias(block), d);
        strictLower = Nd4j.create(triangle(d, true), new long[] {d, d}, 'c');
        strictUpper = Nd4j.create(triangle(d, false), new long[] {d, d}, 'c');
        eye = Nd4j.eye(d).castTo(DataType.FLOAT);
        l = Nd4j.create(DataType.FLOAT, d, d);
        u = Nd4j.create(DataType.FLOAT, d, d);
        w = Nd4j.create(DataType.FLOAT, d, d);
        diag = Nd4j.create(DataType.FLOAT, d, d);
        gU = Nd4j.create(DataType.FLOAT, d, d);
        expDiag = Nd4j.create(DataType.FLOAT, d);
        // {y, dx}
        buffers = new BatchBuffers<>(n -> new INDArray[] {Nd4j.create(DataType.FLOAT, n, d),
            Nd4j.create(DataType.FLOAT, n, d)});
    }

    private static float[] triangle(int d, boolean lower) {
        float[] m = new float[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                m[r * d + c] = (lower ? c < r : c > r) ? 1f : 0f;
            }
        }
        return m;
    }

    @Override
    public Map<String, int[]> trainableShapes() {
        return tensors.shapes();
    }

    @Override
    public void bind(ParameterStore store) {
        tensors.bind(store);
    }

    @Override
    public INDArray forward(INDArray x, INDArray c, INDArray logp) {
        input = x;
        lower.value().mul(strictLower, l).addi(eye);
        Nd4j.exec(new Exp(logDiag.value(), expDiag));
        diag.assign(eye).muliRowVector(expDiag);
        upper.value().mul(strictUpper, u).addi(diag);
        Nd4j.gemm(l, u, w, false, false, 1.0, 0.0);
        INDArray y = Nd4j.gemm(x, w, buffers.get((int) x.rows())[0], false, true, 1.0, 0.0);
        y.addiRowVector(bias.value());
        logp.addi(logDiag.value().sumNumber().doubleValue());
        return y;
    }

    @Override
    public INDArray backward(INDArray gy, INDArray c, double gLogDet) {
        int n = (int) gy.rows();
        INDArray gLower = lower.grad();
        INDArray gLogDiag = logDiag.grad();
        INDArray gW = diag; // free after the forward: reused for dW
        Nd4j.gemm(gy, input, gW, true, false, 1.0, 0.0);
        INDArray gx = Nd4j.gemm(gy, w, buffers.get(n)[1], false, false, 1.0, 0.0);
        gy.sum(bias.grad(), 0);
        Nd4j.gemm(gW, u, gLower, false, true, 1.0, 0.0);
        gLower.muli(strictLower);
        Nd4j.gemm(l, gW, gU, true, false, 1.0, 0.0);
        gU.mul(strictUpper, upper.grad());
        gU.muli(eye).sum(gLogDiag, 0);
        gLogDiag.muli(expDiag).addi(n * gLogDet);
        return gx;
    }
}
