package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.ActNormLayer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ActNormLayer} by hand: {@code y = x ⊙ exp(s) + b}, log-det {@code Σ s} (the same for every row).
 * Backward: {@code dx = dy ⊙ exp(s)}, {@code ds = Σ_rows(dy ⊙ x) ⊙ exp(s) + n·g_logdet}, {@code db = Σ_rows dy}.
 */
final class ManualActNorm implements ManualLayer {
    private final LayerTensors tensors = new LayerTensors();
    private final LayerTensors.Tensor scale;
    private final LayerTensors.Tensor bias;
    private final BatchBuffers<INDArray[]> buffers;
    private final INDArray expS;
    private INDArray input;

    ManualActNorm(int dim, int block) {
        this.scale = tensors.declare(ActNormLayer.scale(block), dim);
        this.bias = tensors.declare(ActNormLayer.bias(block), dim);
        this.expS = Nd4j.create(DataType.FLOAT, dim);
        // {y, dy ⊙ x}
        this.buffers = new BatchBuffers<>(n -> new INDArray[] {Nd4j.create(DataType.FLOAT, n, dim),
            Nd4j.create(DataType.FLOAT, n, dim)});
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
        INDArray s = scale.value();
        INDArray y = buffers.get((int) x.rows())[0];
        Nd4j.exec(new Exp(s, expS));
        y.assign(x).muliRowVector(expS).addiRowVector(bias.value());
        logp.addi(s.sumNumber().doubleValue());
        return y;
    }

    @Override
    public INDArray backward(INDArray gy, INDArray c, double gLogDet) {
        int n = (int) gy.rows();
        INDArray prod = buffers.get(n)[1];
        INDArray gs = scale.grad();
        gy.mul(input, prod).sum(gs, 0);
        gs.muli(expS).addi(n * gLogDet);
        gy.sum(bias.grad(), 0);
        return gy.muliRowVector(expS);
    }
}
