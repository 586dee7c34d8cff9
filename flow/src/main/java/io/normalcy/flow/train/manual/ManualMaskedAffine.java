package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.MadeMasks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link MaskedAffineLayer} by hand. Forward, per hidden layer l: {@code h_l = relu(h_{l−1}·(W_l∘M_l)ᵀ + c·V_lᵀ +
 * b_l)} with h_0 = x; output {@code o = h_L·(W∘M)ᵀ + c·Vᵀ + b} = [μ, raw]; {@code t = tanh(raw/k)},
 * α = k·t, {@code z = (x − μ) ⊙ exp(−α)}, log-det {@code −Σ α} (NICE: {@code z = x − μ}, no log-det).
 *
 * <p>Backward, given dz and g = dL/d(log-det of a row): {@code dx = dz ⊙ exp(−α)} (+ the network's input
 * gradient), {@code dμ = −dz ⊙ exp(−α)}, {@code dα = −dz ⊙ z − g}, {@code draw = dα ⊙ (1 − t²)}; then per affine
 * map, from the top: {@code dW = (doᵀ·h)∘M}, {@code dV = doᵀ·c}, {@code db = Σ_rows do},
 * {@code dh = do·(W∘M)}, and through the ReLU {@code dpre = dh ⊙ [h > 0]}. The masked products W∘M are
 * recomputed once per forward into their own buffers; masked-out gradient entries are exact zeros, so masked
 * weights stay zero under Adam as in the graph.
 */
final class ManualMaskedAffine implements ManualLayer {
    private final int d;
    private final int cdim;
    private final int[] hidden;
    private final double clamp;
    private final boolean additive;
    /** per affine map (hidden layers, then output): tensor names, mask, masked weight buffer */
    private final String[] w;
    private final String[] v;
    private final String[] b;
    private final INDArray[] masks;
    private final INDArray[] masked;
    private final INDArray ones;
    private final BatchBuffers<Buffers> buffers;
    private INDArray[] wv;
    private INDArray[] vv;
    private INDArray[] bv;
    private INDArray[] gw;
    private INDArray[] gvv;
    private INDArray[] gb;
    private INDArray input;
    private Buffers cur;

    /** The activations and gradients of one batch size. */
    private static final class Buffers {
        final INDArray[] h;
        final INDArray[] gh;
        final INDArray o;
        final INDArray mu;
        final INDArray raw;
        final INDArray t;
        final INDArray e;
        final INDArray z;
        final INDArray go;
        final INDArray gMu;
        final INDArray gRaw;
        final INDArray tmp;
        final INDArray gx;

        Buffers(int n, int d, int[] hidden) {
            h = new INDArray[hidden.length];
            gh = new INDArray[hidden.length];
            for (int l = 0; l < hidden.length; l++) {
                h[l] = Nd4j.create(DataType.FLOAT, n, hidden[l]);
                gh[l] = Nd4j.create(DataType.FLOAT, n, hidden[l]);
            }
            o = Nd4j.create(DataType.FLOAT, n, 2 * d);
            mu = o.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
            raw = o.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d));
            go = Nd4j.create(DataType.FLOAT, n, 2 * d);
            gMu = go.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
            gRaw = go.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d));
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
        this.cdim = spec.contextDim();
        this.hidden = spec.hidden().clone();
        this.clamp = spec.scaleClamp();
        this.additive = spec.additive();
        int maps = hidden.length + 1;
        w = new String[maps];
        v = new String[maps];
        b = new String[maps];
        masks = new INDArray[maps];
        masked = new INDArray[maps];
        int[] prevDeg = degrees;
        int in = d;
        for (int l = 0; l < maps; l++) {
            boolean out = l == hidden.length;
            w[l] = out ? MaskedAffineLayer.outputWeight(block) : MaskedAffineLayer.hiddenWeight(block, l);
            v[l] = out ? MaskedAffineLayer.outputContextWeight(block)
                    : MaskedAffineLayer.hiddenContextWeight(block, l);
            b[l] = out ? MaskedAffineLayer.outputBias(block) : MaskedAffineLayer.hiddenBias(block, l);
            int rows = out ? 2 * d : hidden[l];
            int[] hdeg = out ? null : MadeMasks.hiddenDegrees(degrees, hidden[l]);
            float[] m = out ? MadeMasks.outputMask(degrees, prevDeg) : MadeMasks.hiddenMask(hdeg, prevDeg);
            masks[l] = Nd4j.create(m, new long[] {rows, in}, 'c');
            masked[l] = Nd4j.create(DataType.FLOAT, rows, in);
            prevDeg = hdeg;
            in = rows;
        }
        ones = Nd4j.ones(DataType.FLOAT, d, 1);
        buffers = new BatchBuffers<>(n -> new Buffers(n, d, hidden));
    }

    @Override
    public Map<String, int[]> trainableShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        int in = d;
        for (int l = 0; l <= hidden.length; l++) {
            int rows = l == hidden.length ? 2 * d : hidden[l];
            m.put(w[l], new int[] {rows, in}); // W, b, V: FlowGraph's creation order
            m.put(b[l], new int[] {rows});
            if (cdim > 0) {
                m.put(v[l], new int[] {rows, cdim});
            }
            in = rows;
        }
        return m;
    }

    @Override
    public void bind(ParameterStore store) {
        int maps = hidden.length + 1;
        wv = new INDArray[maps];
        vv = new INDArray[maps];
        bv = new INDArray[maps];
        gw = new INDArray[maps];
        gvv = new INDArray[maps];
        gb = new INDArray[maps];
        for (int l = 0; l < maps; l++) {
            wv[l] = store.param(w[l]);
            bv[l] = store.param(b[l]);
            gw[l] = store.grad(w[l]);
            gb[l] = store.grad(b[l]);
            if (cdim > 0) {
                vv[l] = store.param(v[l]);
                gvv[l] = store.grad(v[l]);
            }
        }
    }

    @Override
    public INDArray forward(INDArray x, INDArray c, INDArray logp) {
        input = x;
        cur = buffers.get((int) x.rows());
        INDArray h = x;
        for (int l = 0; l < hidden.length; l++) {
            affine(l, h, c, cur.h[l]);
            Transforms.relu(cur.h[l], false);
            h = cur.h[l];
        }
        affine(hidden.length, h, c, cur.o);
        if (additive) {
            return x.sub(cur.mu, cur.z);
        }
        // t = tanh(raw / k); e = exp(−k·t); z = (x − μ) ⊙ e; log-det = −k·Σ t (one matmul with a ones column)
        cur.raw.mul(1.0 / clamp, cur.t);
        Nd4j.exec(new Tanh(cur.t, cur.t));
        cur.t.mul(-clamp, cur.e);
        Nd4j.exec(new Exp(cur.e, cur.e));
        x.sub(cur.mu, cur.z).muli(cur.e);
        Nd4j.gemm(cur.t, ones, logp, false, false, -clamp, 1.0);
        return cur.z;
    }

    /** {@code out = in·(W∘M)ᵀ [+ c·Vᵀ] + b} for affine map {@code l}. */
    private void affine(int l, INDArray in, INDArray c, INDArray out) {
        wv[l].mul(masks[l], masked[l]);
        Nd4j.gemm(in, masked[l], out, false, true, 1.0, 0.0);
        if (cdim > 0) {
            Nd4j.gemm(c, vv[l], out, false, true, 1.0, 1.0);
        }
        out.addiRowVector(bv[l]);
    }

    @Override
    public INDArray backward(INDArray gz, INDArray c, double gLogDet) {
        Buffers f = cur;
        if (additive) {
            gz.mul(-1.0, f.gMu);
            f.gRaw.assign(0);
            f.gx.assign(gz);
        } else {
            gz.mul(f.e, f.gx);
            f.gx.mul(-1.0, f.gMu);
            gz.mul(f.z, f.tmp).rsubi(-gLogDet);
            f.t.mul(f.t, f.gRaw).rsubi(1.0).muli(f.tmp);
        }
        INDArray gOut = f.go;
        for (int l = hidden.length; l >= 0; l--) {
            INDArray in = l == 0 ? input : f.h[l - 1];
            Nd4j.gemm(gOut, in, gw[l], true, false, 1.0, 0.0);
            gw[l].muli(masks[l]);
            if (cdim > 0) {
                Nd4j.gemm(gOut, c, gvv[l], true, false, 1.0, 0.0);
            }
            gOut.sum(gb[l], 0);
            if (l == 0) {
                Nd4j.gemm(gOut, masked[0], f.gx, false, false, 1.0, 1.0);
            } else {
                Nd4j.gemm(gOut, masked[l], f.gh[l - 1], false, false, 1.0, 0.0);
                Nd4j.exec(new ThresholdReluBp(f.h[l - 1], f.gh[l - 1], f.gh[l - 1], 0.0));
                gOut = f.gh[l - 1];
            }
        }
        return f.gx;
    }
}
