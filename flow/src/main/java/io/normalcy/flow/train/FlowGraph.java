package io.normalcy.flow.train;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterNames;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff (ND4J) graph of a conditional flow: the same math as the plain-Java kernel
 * ({@code io.normalcy.flow.transform}), written once more in differentiable ops so it can be trained by
 * gradient descent. The formulas are the design contract's ("Parameterisation") and nothing else: ActNorm
 * and LU linear (Glow, Kingma &amp; Dhariwal 2018), a fixed permutation, and the masked affine
 * autoregressive layer (MAF, Papamakarios et al. 2017; RealNVP coupling, Dinh et al. 2017) with a ReLU
 * MADE (Germain et al. 2015) whose masks are graph constants.
 *
 * <p>Inputs are the placeholders {@value #X} [B, D] and (only when C &gt; 0) {@value #C} [B, C]; outputs are
 * {@value #LOGP} [B] (flow-space log-density) and the loss {@value #LOSS} = −mean(logp). Everything is
 * FLOAT. Every trainable tensor of {@link FlowParameters} becomes one SameDiff variable; because SameDiff
 * reserves some characters in names, the variable name is the tensor name with '.' replaced by '_'
 * ({@link #variableName}). The structural tensors ({@code perm}, {@code ar.degrees}) are constants and
 * are copied through unchanged by {@link #parameters()}.
 *
 * <p>One graph per training: ND4J's native allocations are only released when arrays are closed or
 * collected, so the graph is reused for all iterations and {@link #close()}d at the end.
 */
public final class FlowGraph implements AutoCloseable {
    public static final String X = "x";
    public static final String C = "c";
    public static final String LOGP = "logp";
    public static final String LOSS = "loss";

    private static final Object STDOUT_LOCK = new Object();

    private final FlowSpec spec;
    private final SameDiff sd;
    /** tensor name → SameDiff variable name, trainable tensors only, canonical order. */
    private final Map<String, String> trainable = new LinkedHashMap<>();
    /** structural tensors (perm, degrees), copied through. */
    private final Map<String, Tensor> fixed = new LinkedHashMap<>();
    private boolean gradientsReady;
    private boolean closed;

    private FlowGraph(FlowSpec spec, FlowParameters params) {
        this.spec = spec;
        this.sd = SameDiff.create();
        build(params);
    }

    /**
     * Builds the graph of {@code spec} initialised with {@code params} (every tensor of
     * {@link FlowSpec#expectedShapes()} must be present with its shape).
     *
     * @throws IllegalArgumentException naming the missing or malformed tensor
     */
    public static FlowGraph build(FlowSpec spec, FlowParameters params) {
        if (spec == null || params == null) {
            throw new IllegalArgumentException("spec and params must not be null");
        }
        return new FlowGraph(spec, params);
    }

    /** SameDiff variable name of a tensor. */
    public static String variableName(String tensorName) {
        return tensorName.replace('.', '_');
    }

    public FlowSpec spec() {
        return spec;
    }

    /** Trainable tensor name → SameDiff variable name, canonical order. */
    public Map<String, String> trainableVariables() {
        return Collections.unmodifiableMap(trainable);
    }

    SameDiff sameDiff() {
        return sd;
    }

    /** The SameDiff variable holding a trainable tensor (live array; do not close). */
    INDArray array(String tensorName) {
        String v = trainable.get(tensorName);
        if (v == null) {
            throw new IllegalArgumentException("no trainable tensor '" + tensorName + "' in this graph");
        }
        return sd.getArrForVarName(v);
    }

    private void build(FlowParameters p) {
        int d = spec.dim();
        int cdim = spec.contextDim();
        SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, d);
        SDVariable c = cdim > 0 ? sd.placeHolder(C, DataType.FLOAT, -1, cdim) : null;
        SDVariable logDet = null;
        SDVariable lower = null;
        SDVariable upper = null;
        SDVariable eye = null;
        if (spec.luLinear()) {
            lower = sd.constant("mask_strict_lower", matrix(GraphMasks.strictTriangle(d, true), d, d));
            upper = sd.constant("mask_strict_upper", matrix(GraphMasks.strictTriangle(d, false), d, d));
            eye = sd.constant("mask_eye", matrix(GraphMasks.identity(d), d, d));
        }
        for (int k = 0; k < spec.blocks(); k++) {
            if (spec.actNorm()) {
                SDVariable s = var(p, ParameterNames.actNormScale(k), d);
                SDVariable b = var(p, ParameterNames.actNormBias(k), d);
                x = x.mul(sd.math.exp(s)).add(b);
                logDet = add(logDet, s.sum());
            }
            if (spec.luLinear()) {
                SDVariable lw = var(p, ParameterNames.luLower(k), d, d);
                SDVariable uw = var(p, ParameterNames.luUpper(k), d, d);
                SDVariable ld = var(p, ParameterNames.luLogDiag(k), d);
                SDVariable bias = var(p, ParameterNames.luBias(k), d);
                SDVariable l = lw.mul(lower).add(eye);
                SDVariable u = uw.mul(upper).add(eye.mul(sd.math.exp(ld)));
                SDVariable w = sd.mmul(l, u);
                x = sd.mmul(x, w, false, true, false).add(bias);
                logDet = add(logDet, ld.sum());
            }
            if (spec.permutation() != PermutationMode.NONE) {
                String name = ParameterNames.permutation(k);
                Tensor t = p.require(name, d);
                fixed.put(name, t);
                x = sd.gather(x, GraphMasks.permutation(name, t, d), 1);
            }
            String degName = ParameterNames.degrees(k);
            Tensor degT = p.require(degName, d);
            fixed.put(degName, degT);
            int[] deg = GraphMasks.degrees(degName, degT, d);
            SDVariable[] muAlpha = made(p, k, x, c, deg);
            SDVariable z = x.sub(muAlpha[0]);
            if (muAlpha[1] != null) {
                z = z.mul(sd.math.exp(muAlpha[1].neg()));
                logDet = add(logDet, muAlpha[1].sum(1).neg());
            }
            x = z;
        }
        SDVariable logp = x.mul(x).sum(1).mul(-0.5).sub(0.5 * d * Math.log(2 * Math.PI));
        if (logDet != null) {
            logp = logp.add(logDet);
        }
        logp = sd.identity(LOGP, logp);
        sd.identity(LOSS, logp.mean().neg());
        sd.setLossVariables(LOSS);
    }

    /** The masked network of block k: returns {μ, α} (α null in the additive variant). */
    private SDVariable[] made(FlowParameters p, int k, SDVariable x, SDVariable c, int[] deg) {
        int d = spec.dim();
        int cdim = spec.contextDim();
        int[] hidden = spec.hidden();
        SDVariable h = x;
        int[] prevDeg = deg;
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            int[] hdeg = io.normalcy.flow.transform.MadeMasks.hiddenDegrees(deg, hidden[l]);
            SDVariable mask = sd.constant("b" + k + "_mask" + l,
                    matrix(io.normalcy.flow.transform.MadeMasks.hiddenMask(hdeg, prevDeg), hidden[l], in));
            SDVariable w = var(p, ParameterNames.hiddenWeight(k, l), hidden[l], in);
            SDVariable b = var(p, ParameterNames.hiddenBias(k, l), hidden[l]);
            SDVariable pre = sd.mmul(h, w.mul(mask), false, true, false);
            if (cdim > 0) {
                SDVariable v = var(p, ParameterNames.hiddenContextWeight(k, l), hidden[l], cdim);
                pre = pre.add(sd.mmul(c, v, false, true, false));
            }
            h = sd.nn.relu(pre.add(b), 0);
            prevDeg = hdeg;
            in = hidden[l];
        }
        SDVariable mask = sd.constant("b" + k + "_mask_out", matrix(io.normalcy.flow.transform.MadeMasks.outputMask(deg, prevDeg), 2 * d, in));
        SDVariable w = var(p, ParameterNames.outputWeight(k), 2 * d, in);
        SDVariable b = var(p, ParameterNames.outputBias(k), 2 * d);
        SDVariable o = sd.mmul(h, w.mul(mask), false, true, false);
        if (cdim > 0) {
            SDVariable v = var(p, ParameterNames.outputContextWeight(k), 2 * d, cdim);
            o = o.add(sd.mmul(c, v, false, true, false));
        }
        o = o.add(b);
        SDVariable mu = o.get(SDIndex.all(), SDIndex.interval(0, d));
        if (spec.additive()) {
            return new SDVariable[] {mu, null};
        }
        double clamp = spec.scaleClamp();
        SDVariable raw = o.get(SDIndex.all(), SDIndex.interval(d, 2 * d));
        SDVariable alpha = sd.math.tanh(raw.div(clamp)).mul(clamp);
        return new SDVariable[] {mu, alpha};
    }

    private SDVariable var(FlowParameters p, String name, int... shape) {
        Tensor t = p.require(name, shape);
        String v = variableName(name);
        trainable.put(name, v);
        return sd.var(v, Nd4j.create(t.data().clone(), toLong(shape), 'c'));
    }

    private static SDVariable add(SDVariable acc, SDVariable term) {
        return acc == null ? term : acc.add(term);
    }

    private static INDArray matrix(float[] data, int rows, int cols) {
        return Nd4j.create(data, new long[] {rows, cols}, 'c');
    }

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    /** Builds the backward graph once, hiding SameDiff's "Added differentiated op" prints on stdout. */
    void ensureGradients() {
        if (gradientsReady) {
            return;
        }
        synchronized (STDOUT_LOCK) {
            PrintStream old = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction(LOSS);
            } finally {
                System.setOut(old);
            }
        }
        gradientsReady = true;
    }

    /** Loss and gradients (keyed by tensor name) of one mini-batch; the caller closes the arrays. */
    Step step(INDArray x, INDArray c) {
        ensureGradients();
        OutAndGrad og = sd.calculateGradientsAndOutputs(feed(x, c), List.of(LOSS), trainable.values());
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            grads.put(e.getKey(), og.getGradients().get(e.getValue()));
        }
        INDArray loss = og.getOutputs().get(LOSS);
        double l = loss.getDouble(0);
        return new Step(l, grads);
    }

    record Step(double loss, Map<String, INDArray> gradients) {
    }

    /** Per-record flow-space log-density of a row-major float batch. */
    public double[] logProb(float[] x, float[] c, int rows) {
        INDArray xa = Nd4j.create(x, new long[] {rows, spec.dim()}, 'c');
        INDArray ca = spec.contextDim() > 0 ? Nd4j.create(c, new long[] {rows, spec.contextDim()}, 'c') : null;
        try {
            return logProb(xa, ca);
        } finally {
            xa.close();
            if (ca != null) {
                ca.close();
            }
        }
    }

    /** Per-record flow-space log-density of a batch ({@code c} null when C = 0). */
    double[] logProb(INDArray x, INDArray c) {
        return sd.output(feed(x, c), LOGP).get(LOGP).toDoubleVector();
    }

    /** Copy of every trainable variable (tensor name → row-major values). */
    Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            m.put(e.getKey(), flat(sd.getArrForVarName(e.getValue())));
        }
        return m;
    }

    /** Writes a {@link #snapshot()} back into the variables. */
    void restore(Map<String, float[]> snap) {
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            INDArray arr = sd.getArrForVarName(e.getValue());
            INDArray src = Nd4j.create(snap.get(e.getKey()), arr.shape(), 'c');
            arr.assign(src);
            src.close();
        }
    }

    /** Per-record log-density of double rows (convenience for tests and evaluation). */
    public double[] logProb(double[][] u, double[][] ctx) {
        int n = u.length;
        int d = spec.dim();
        int cd = spec.contextDim();
        Batches.validate("input", u, d);
        if (cd > 0) {
            if (ctx == null || ctx.length != n) {
                throw new IllegalArgumentException("need " + n + " context rows of length " + cd + ", got "
                        + (ctx == null ? "null" : ctx.length + " rows"));
            }
            Batches.validate("context", ctx, cd);
        }
        float[] x = new float[n * d];
        float[] c = new float[n * cd];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) u[i][j];
            }
            for (int j = 0; j < cd; j++) {
                c[i * cd + j] = (float) ctx[i][j];
            }
        }
        return logProb(x, c, n);
    }

    private Map<String, INDArray> feed(INDArray x, INDArray c) {
        Map<String, INDArray> m = new HashMap<>();
        m.put(X, x);
        if (spec.contextDim() > 0) {
            if (c == null) {
                throw new IllegalArgumentException("context batch required: contextDim = " + spec.contextDim());
            }
            m.put(C, c);
        }
        return m;
    }

    /** Overwrites the trainable variables with {@code params} (shapes must match the spec). */
    public void setParameters(FlowParameters params) {
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            INDArray arr = sd.getArrForVarName(e.getValue());
            Tensor t = params.require(e.getKey(), toInt(arr.shape()));
            INDArray src = Nd4j.create(t.data(), arr.shape(), 'c');
            arr.assign(src);
            src.close();
        }
    }

    /** Current weights as float tensors in {@link FlowSpec#expectedShapes()} order (structural ones included). */
    public FlowParameters parameters() {
        FlowParameters out = new FlowParameters();
        for (Map.Entry<String, int[]> e : spec.expectedShapes().entrySet()) {
            String name = e.getKey();
            Tensor t = fixed.get(name);
            if (t == null) {
                INDArray arr = sd.getArrForVarName(trainable.get(name));
                t = new Tensor(e.getValue(), flat(arr));
            } else {
                t = new Tensor(t.shape(), t.data().clone());
            }
            out.put(name, t);
        }
        return out;
    }

    /** Row-major copy of an array's values. */
    static float[] flat(INDArray arr) {
        INDArray f = arr.castTo(DataType.FLOAT).dup('c');
        float[] v = f.data().asFloat();
        f.close();
        return v.length == arr.length() ? v : java.util.Arrays.copyOf(v, (int) arr.length());
    }

    private static int[] toInt(long[] shape) {
        int[] s = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = (int) shape[i];
        }
        return s;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String v : trainable.values()) {
            INDArray arr = sd.getArrForVarName(v);
            if (arr != null && arr.closeable()) {
                arr.close();
            }
        }
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }
}
