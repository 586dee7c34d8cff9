package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.MadeMasks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link MaskedAffineLayer} by hand. A MADE ({@link ManualMade}) maps (x, c) to o = [μ, raw]; {@code t =
 * tanh(raw/k)}, α = k·t, {@code z = (x − μ) ⊙ exp(−α)}, log-det {@code −Σ α} (NICE: {@code z = x − μ}, no
 * log-det).
 *
 * <p>Backward, given dz and g = dL/d(log-det of a row): {@code dx = dz ⊙ exp(−α)} (+ the MADE's input
 * gradient), {@code dμ = −dz ⊙ exp(−α)}, {@code dα = −dz ⊙ z − g}, {@code draw = dα ⊙ (1 − t²)}, then the MADE's
 * backward from d(o) = [dμ, draw].
 */
final class ManualMaskedAffine implements ManualLayer {
    private final int d;
    private final double clamp;
    private final boolean additive;
    private final ManualMade made;
    private final INDArray ones;
    private final BatchBuffers<Buffers> buffers;
    private Buffers cur;

    /** The [n, D] activations and gradients of one batch size. */
    private static final class Buffers {
        final INDArray t;
        final INDArray e;
        final INDArray z;
        final INDArray tmp;
        final INDArray gx;
        /** views of the MADE's output and its gradient (its buffers of this batch size), set on first use */
        INDArray mu;
        INDArray raw;
        INDArray gMu;
        INDArray gRaw;

        Buffers(int n, int d) {
            t = Nd4j.create(DataType.FLOAT, n, d);
            e = Nd4j.create(DataType.FLOAT, n, d);
            z = Nd4j.create(DataType.FLOAT, n, d);
            tmp = Nd4j.create(DataType.FLOAT, n, d);
            gx = Nd4j.create(DataType.FLOAT, n, d);
        }
    }

    /** @param degrees the layer's stored input degrees ({@code b{k}.ar.degrees}) */
    ManualMaskedAffine(FlowSpec spec, int block, int[] degrees) {
        this.d = spec.dim();
        this.clamp = spec.scaleClamp();
        this.additive = spec.additive();
        int[] hidden = spec.hidden();
        int maps = hidden.length + 1;
        String[][] names = new String[maps][];
        float[][] masks = new float[maps][];
        int[] widths = new int[maps];
        int[] prevDeg = degrees;
        for (int l = 0; l < maps; l++) {
            boolean out = l == hidden.length;
            names[l] = out ? new String[] {MaskedAffineLayer.outputWeight(block),
                MaskedAffineLayer.outputContextWeight(block), MaskedAffineLayer.outputBias(block)}
                    : new String[] {MaskedAffineLayer.hiddenWeight(block, l),
                        MaskedAffineLayer.hiddenContextWeight(block, l), MaskedAffineLayer.hiddenBias(block, l)};
            int[] hdeg = out ? null : MadeMasks.hiddenDegrees(degrees, hidden[l]);
            masks[l] = out ? MadeMasks.outputMask(degrees, prevDeg) : MadeMasks.hiddenMask(hdeg, prevDeg);
            widths[l] = out ? 2 * d : hidden[l];
            prevDeg = hdeg;
        }
        made = new ManualMade(names, masks, widths, d, spec.contextDim());
        ones = Nd4j.ones(DataType.FLOAT, d, 1);
        buffers = new BatchBuffers<>(n -> new Buffers(n, d));
    }

    @Override
    public Map<String, int[]> trainableShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        made.trainableShapes(m);
        return m;
    }

    @Override
    public void bind(ParameterStore store) {
        made.bind(store);
    }

    @Override
    public INDArray forward(INDArray x, INDArray c, INDArray logp) {
        cur = buffers.get((int) x.rows());
        INDArray o = made.forward(x, c);
        if (cur.mu == null) {
            cur.mu = o.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
            cur.raw = o.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d));
            INDArray go = made.outputGradient();
            cur.gMu = go.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
            cur.gRaw = go.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d));
        }
        INDArray mu = cur.mu;
        if (additive) {
            return x.sub(mu, cur.z);
        }
        INDArray raw = cur.raw;
        // t = tanh(raw / k); e = exp(−k·t); z = (x − μ) ⊙ e; log-det = −k·Σ t (one matmul with a ones column)
        raw.mul(1.0 / clamp, cur.t);
        Nd4j.exec(new Tanh(cur.t, cur.t));
        cur.t.mul(-clamp, cur.e);
        Nd4j.exec(new Exp(cur.e, cur.e));
        x.sub(mu, cur.z).muli(cur.e);
        Nd4j.gemm(cur.t, ones, logp, false, false, -clamp, 1.0);
        return cur.z;
    }

    @Override
    public INDArray backward(INDArray gz, INDArray c, double gLogDet) {
        Buffers f = cur;
        INDArray gMu = f.gMu;
        INDArray gRaw = f.gRaw;
        if (additive) {
            gz.mul(-1.0, gMu);
            gRaw.assign(0);
            f.gx.assign(gz);
        } else {
            gz.mul(f.e, f.gx);
            f.gx.mul(-1.0, gMu);
            gz.mul(f.z, f.tmp).rsubi(-gLogDet);
            f.t.mul(f.t, gRaw).rsubi(1.0).muli(f.tmp);
        }
        made.backward(c, f.gx);
        return f.gx;
    }
}
