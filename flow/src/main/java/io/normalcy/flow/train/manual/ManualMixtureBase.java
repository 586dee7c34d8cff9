package io.normalcy.flow.train.manual;

import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.MadeMasks;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.StandardNormal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The MAF_MOG base ({@link MixtureBaseLayer}) by hand: a MADE ({@link ManualMade}) maps (z, c) to, per component
 * k and coordinate i, a logit ℓ, a mean μ and a raw log-scale (row t·D + i of its output); {@code s = 6·tanh(raw/6)},
 * {@code u = (z − μ)·exp(−s)}, {@code a = ℓ − s − u²/2}, and per coordinate
 * {@code log p_i = LSE_k(a) − LSE_k(ℓ) − ½·log 2π}. Backward with g = dL/d(log p_i), responsibilities
 * {@code r = softmax_k(a)} and weights {@code π = softmax_k(ℓ)}: {@code dℓ = g(r − π)}, {@code dμ = g·r·u·exp(−s)},
 * {@code ds = g·r(u² − 1)}, {@code draw = ds(1 − tanh²)}, {@code dz = −Σ_k dμ} plus the MADE's input gradient.
 * The K components (3 by default) are a loop over [n, D] column blocks of the output: no 3-D broadcasting.
 */
public final class ManualMixtureBase {
    private static final double CLAMP = MadeMixture.LOG_SCALE_CLAMP;
    private final int d;
    private final int k;
    private final ManualMade made;
    private final INDArray ones;
    /** buffer sets per batch size (few distinct sizes; dropped past {@link BatchBuffers#MAX_SIZES}) */
    private final Map<Integer, Buffers> sets = new java.util.HashMap<>();
    private Buffers cur;

    /** Per component k: views of the MADE output/gradient and [n, D] work arrays; LSE scratch. */
    private static final class Buffers {
        final INDArray[] logit;
        final INDArray[] mu;
        final INDArray[] raw;
        final INDArray[] gLogit;
        final INDArray[] gMu;
        final INDArray[] gRaw;
        final INDArray[] t;
        final INDArray[] einv;
        final INDArray[] u;
        final INDArray[] a;
        final INDArray maxA;
        final INDArray lseA;
        final INDArray maxL;
        final INDArray lseL;
        final INDArray tmp;
        final INDArray tmp2;
        final INDArray gz;

        Buffers(int n, int d, int k, INDArray o, INDArray go) {
            logit = new INDArray[k];
            mu = new INDArray[k];
            raw = new INDArray[k];
            gLogit = new INDArray[k];
            gMu = new INDArray[k];
            gRaw = new INDArray[k];
            t = new INDArray[k];
            einv = new INDArray[k];
            u = new INDArray[k];
            a = new INDArray[k];
            for (int j = 0; j < k; j++) {
                logit[j] = block(o, j, d);
                mu[j] = block(o, k + j, d);
                raw[j] = block(o, 2 * k + j, d);
                gLogit[j] = block(go, j, d);
                gMu[j] = block(go, k + j, d);
                gRaw[j] = block(go, 2 * k + j, d);
                t[j] = Nd4j.create(DataType.FLOAT, n, d);
                einv[j] = Nd4j.create(DataType.FLOAT, n, d);
                u[j] = Nd4j.create(DataType.FLOAT, n, d);
                a[j] = Nd4j.create(DataType.FLOAT, n, d);
            }
            maxA = Nd4j.create(DataType.FLOAT, n, d);
            lseA = Nd4j.create(DataType.FLOAT, n, d);
            maxL = Nd4j.create(DataType.FLOAT, n, d);
            lseL = Nd4j.create(DataType.FLOAT, n, d);
            tmp = Nd4j.create(DataType.FLOAT, n, d);
            tmp2 = Nd4j.create(DataType.FLOAT, n, d);
            gz = Nd4j.create(DataType.FLOAT, n, d);
        }

        private static INDArray block(INDArray o, int t, int d) {
            return o.get(NDArrayIndex.all(), NDArrayIndex.interval((long) t * d, (long) (t + 1) * d));
        }
    }

    public ManualMixtureBase(FlowSpec spec) {
        this.d = spec.dim();
        this.k = spec.components();
        int[] hidden = spec.hidden();
        int maps = hidden.length + 1;
        String[][] names = new String[maps][];
        float[][] masks = new float[maps][];
        int[] widths = new int[maps];
        int[] prevDeg = null;
        for (int l = 0; l < maps; l++) {
            boolean out = l == hidden.length;
            names[l] = out ? new String[] {MixtureBaseLayer.outputWeight(), MixtureBaseLayer.outputContextWeight(),
                MixtureBaseLayer.outputBias()}
                    : new String[] {MixtureBaseLayer.hiddenWeight(l), MixtureBaseLayer.hiddenContextWeight(l),
                        MixtureBaseLayer.hiddenBias(l)};
            int[] hdeg = out ? null : MadeMixture.hiddenDegrees(d, hidden[l]);
            if (out) {
                masks[l] = MadeMixture.outputMask(d, k, prevDeg);
            } else {
                masks[l] = prevDeg == null ? MadeMixture.inputMask(d, hdeg) : MadeMasks.hiddenMask(hdeg, prevDeg);
            }
            widths[l] = out ? 3 * k * d : hidden[l];
            prevDeg = hdeg;
        }
        made = new ManualMade(names, masks, widths, d, spec.contextDim());
        ones = Nd4j.ones(DataType.FLOAT, d, 1);
    }

    /** The base's trainable tensors in the graph's creation order. */
    public Map<String, int[]> trainableShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        made.trainableShapes(m);
        return m;
    }

    public void bind(ParameterStore store) {
        made.bind(store);
    }

    /** Adds log p_base(z | c) of each row to {@code logp} [n, 1]. */
    public void forward(INDArray z, INDArray c, INDArray logp) {
        int n = (int) z.rows();
        INDArray o = made.forward(z, c);
        if (sets.size() >= BatchBuffers.MAX_SIZES && !sets.containsKey(n)) {
            sets.clear();
        }
        cur = sets.computeIfAbsent(n, r -> new Buffers(r, d, k, o, made.outputGradient()));
        Buffers f = cur;
        for (int j = 0; j < k; j++) {
            f.raw[j].mul(1.0 / CLAMP, f.t[j]);
            Nd4j.exec(new Tanh(f.t[j], f.t[j]));
            f.t[j].mul(CLAMP, f.a[j]); // a = s for now
            f.a[j].mul(-1.0, f.einv[j]);
            Nd4j.exec(new Exp(f.einv[j], f.einv[j]));
            z.sub(f.mu[j], f.u[j]).muli(f.einv[j]);
            // a = ℓ − s − u²/2
            f.u[j].mul(f.u[j], f.tmp).muli(-0.5).subi(f.a[j]).addi(f.logit[j]);
            f.a[j].assign(f.tmp);
        }
        logSumExp(f.a, f.maxA, f.lseA, f);
        logSumExp(f.logit, f.maxL, f.lseL, f);
        f.lseA.sub(f.lseL, f.tmp);
        Nd4j.gemm(f.tmp, ones, logp, false, false, 1.0, 1.0);
        logp.subi(d * StandardNormal.HALF_LOG_2PI);
    }

    /** {@code lse = max + log Σ_j exp(x_j − max)}, element-wise over the K [n, D] arrays. */
    private void logSumExp(INDArray[] x, INDArray max, INDArray lse, Buffers f) {
        max.assign(x[0]);
        for (int j = 1; j < k; j++) {
            Nd4j.exec(new Max(max, x[j], max));
        }
        lse.assign(0);
        for (int j = 0; j < k; j++) {
            x[j].sub(max, f.tmp2);
            Nd4j.exec(new Exp(f.tmp2, f.tmp2));
            lse.addi(f.tmp2);
        }
        Nd4j.exec(new Log(lse, lse));
        lse.addi(max);
    }

    /** Gradients of the base's tensors given g = dL/d(log p of a row); returns dL/dz [n, D]. */
    public INDArray backward(INDArray c, double g) {
        Buffers f = cur;
        f.gz.assign(0);
        for (int j = 0; j < k; j++) {
            // π_j into gLogit, r_j into tmp2
            f.logit[j].sub(f.lseL, f.gLogit[j]);
            Nd4j.exec(new Exp(f.gLogit[j], f.gLogit[j]));
            f.a[j].sub(f.lseA, f.tmp2);
            Nd4j.exec(new Exp(f.tmp2, f.tmp2));
            f.tmp2.muli(g); // g·r
            f.tmp2.sub(f.gLogit[j].muli(g), f.gLogit[j]); // dℓ = g·r − g·π
            f.tmp2.mul(f.u[j], f.gMu[j]).muli(f.einv[j]); // dμ = g·r·u·e
            f.gz.subi(f.gMu[j]);
            f.u[j].mul(f.u[j], f.tmp).subi(1.0).muli(f.tmp2); // ds = g·r(u² − 1)
            f.t[j].mul(f.t[j], f.gRaw[j]).rsubi(1.0).muli(f.tmp); // draw = ds(1 − t²)
        }
        made.backward(c, f.gz);
        return f.gz;
    }
}
