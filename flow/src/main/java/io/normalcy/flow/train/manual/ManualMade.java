package io.normalcy.flow.train.manual;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A conditional ReLU MADE (Germain et al. 2015) by hand, shared by the masked affine layer and the mixture base
 * (as {@code MaskedAffineLayer.affine} is in the graph). Forward, per affine map l (hidden layers, then the output):
 * {@code out_l = h_{l−1}·(W_l∘M_l)ᵀ + c·V_lᵀ + b_l}, ReLU on the hidden ones. Backward from d(out):
 * {@code dW = (doᵀ·h)∘M}, {@code dV = doᵀ·c}, {@code db = Σ_rows do}, {@code dh = do·(W∘M)} and through the
 * ReLU {@code dpre = dh ⊙ [h > 0]}. The masked products W∘M are recomputed once per forward into their own
 * buffers; masked-out gradient entries are exact zeros, so masked weights stay zero under Adam as in the graph.
 */
final class ManualMade {
    private final int in0;
    private final int cdim;
    private final int[] widths;
    private final String[] w;
    private final String[] v;
    private final String[] b;
    private final INDArray[] masks;
    private final INDArray[] masked;
    private final BatchBuffers<Buffers> buffers;
    private INDArray[] wv;
    private INDArray[] vv;
    private INDArray[] bv;
    private INDArray[] gw;
    private INDArray[] gvv;
    private INDArray[] gb;
    private INDArray input;
    private Buffers cur;

    /** Activations (index l: output of map l; the last is the network's output) and their gradients. */
    private static final class Buffers {
        final INDArray[] h;
        final INDArray[] gh;

        Buffers(int n, int[] widths) {
            h = new INDArray[widths.length];
            gh = new INDArray[widths.length];
            for (int l = 0; l < widths.length; l++) {
                h[l] = Nd4j.create(DataType.FLOAT, n, widths[l]);
                gh[l] = Nd4j.create(DataType.FLOAT, n, widths[l]);
            }
        }
    }

    /**
     * @param names  per affine map: {weight, context weight, bias} tensor names
     * @param masks  per affine map: the [width_l, in_l] 0/1 mask, row-major
     * @param widths per affine map: its output width (hidden widths, then the output width)
     * @param in     the network's input width
     */
    ManualMade(String[][] names, float[][] masks, int[] widths, int in, int cdim) {
        this.in0 = in;
        this.cdim = cdim;
        this.widths = widths.clone();
        int maps = widths.length;
        w = new String[maps];
        v = new String[maps];
        b = new String[maps];
        this.masks = new INDArray[maps];
        masked = new INDArray[maps];
        int prev = in;
        for (int l = 0; l < maps; l++) {
            w[l] = names[l][0];
            v[l] = names[l][1];
            b[l] = names[l][2];
            this.masks[l] = Nd4j.create(masks[l], new long[] {widths[l], prev}, 'c');
            masked[l] = Nd4j.create(DataType.FLOAT, widths[l], prev);
            prev = widths[l];
        }
        buffers = new BatchBuffers<>(n -> new Buffers(n, this.widths));
    }

    /** Adds the tensors in the graph's creation order: per map W, b, V. */
    void trainableShapes(Map<String, int[]> m) {
        int prev = in0;
        for (int l = 0; l < widths.length; l++) {
            m.put(w[l], new int[] {widths[l], prev});
            m.put(b[l], new int[] {widths[l]});
            if (cdim > 0) {
                m.put(v[l], new int[] {widths[l], cdim});
            }
            prev = widths[l];
        }
    }

    void bind(ParameterStore store) {
        int maps = widths.length;
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

    /** The network's output [n, width_L] for input {@code x} [n, in] (a buffer of this network). */
    INDArray forward(INDArray x, INDArray c) {
        input = x;
        cur = buffers.get((int) x.rows());
        INDArray h = x;
        int last = widths.length - 1;
        for (int l = 0; l <= last; l++) {
            INDArray out = cur.h[l];
            wv[l].mul(masks[l], masked[l]);
            Nd4j.gemm(h, masked[l], out, false, true, 1.0, 0.0);
            if (cdim > 0) {
                Nd4j.gemm(c, vv[l], out, false, true, 1.0, 1.0);
            }
            out.addiRowVector(bv[l]);
            if (l < last) {
                Transforms.relu(out, false);
            }
            h = out;
        }
        return h;
    }

    /** The buffer the caller writes d(output) [n, width_L] into before {@link #backward}. */
    INDArray outputGradient() {
        return cur.gh[widths.length - 1];
    }

    /** Parameter gradients from {@link #outputGradient()}; adds dL/dx into {@code gx} [n, in]. */
    void backward(INDArray c, INDArray gx) {
        Buffers f = cur;
        for (int l = widths.length - 1; l >= 0; l--) {
            INDArray gOut = f.gh[l];
            INDArray in = l == 0 ? input : f.h[l - 1];
            Nd4j.gemm(gOut, in, gw[l], true, false, 1.0, 0.0);
            gw[l].muli(masks[l]);
            if (cdim > 0) {
                Nd4j.gemm(gOut, c, gvv[l], true, false, 1.0, 0.0);
            }
            gOut.sum(gb[l], 0);
            if (l == 0) {
                Nd4j.gemm(gOut, masked[0], gx, false, false, 1.0, 1.0);
            } else {
                Nd4j.gemm(gOut, masked[l], f.gh[l - 1], false, false, 1.0, 0.0);
                Nd4j.exec(new ThresholdReluBp(f.h[l - 1], f.gh[l - 1], f.gh[l - 1], 0.0));
            }
        }
    }
}
