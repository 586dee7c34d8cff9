package io.normalcy.flow.train;

import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerGraph;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff (ND4J) graph of a conditional flow: the same math as the plain-Java kernel
 * ({@code io.normalcy.flow.transform}), in differentiable ops so it can be trained by gradient descent. Each layer
 * type of {@link FlowLayout} contributes its own ops ({@link LayerType#graph}, next to its kernel, so the two are
 * written side by side); this class chains them, adds the base density and owns the training-time
 * mechanics (gradients, snapshots, parameter read-back).
 *
 * <p>Inputs are the placeholders {@value #X} [B, D] and (only when C &gt; 0) {@value #C} [B, C]; outputs are
 * {@value #LOGP} [B] (flow-space log-density) and the loss {@value #LOSS} = −mean(logp). Everything is
 * FLOAT. Every trainable tensor of {@link FlowParameters} becomes one SameDiff variable; because SameDiff
 * reserves some characters in names, the variable name is the tensor name with '.' replaced by '_'
 * ({@link LayerGraph#variableName}). The structural tensors ({@code perm}, {@code ar.degrees}) are constants and
 * are copied through unchanged by {@link #parameters()}.
 *
 * <p>One graph per training: ND4J's native allocations are only released when arrays are closed or
 * collected, so the graph is reused for all iterations and {@link #close()}d at the end.
 */
public final class FlowGraph implements TrainableFlow {
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

    @Override
    public FlowSpec spec() {
        return spec;
    }

    @Override
    public java.util.Set<String> trainableNames() {
        return Collections.unmodifiableSet(trainable.keySet());
    }

    /** Trainable tensor name → SameDiff variable name, canonical order. */
    public Map<String, String> trainableVariables() {
        return Collections.unmodifiableMap(trainable);
    }

    /** The SameDiff variable holding a trainable tensor (live array; do not close). */
    @Override
    public INDArray array(String tensorName) {
        String v = trainable.get(tensorName);
        if (v == null) {
            throw new IllegalArgumentException("no trainable tensor '" + tensorName + "' in this graph");
        }
        return sd.getArrForVarName(v);
    }

    /**
     * Chains every layer of {@link FlowLayout}, block by block, then the base density (standard normal, or the
     * MAF_MOG mixture of {@link MixtureBaseLayer}) and the loss.
     */
    private void build(FlowParameters p) {
        int d = spec.dim();
        int cdim = spec.contextDim();
        SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, d);
        SDVariable c = cdim > 0 ? sd.placeHolder(C, DataType.FLOAT, -1, cdim) : null;
        LayerGraph graph = new LayerGraph(sd, spec, p, c);
        SDVariable logDet = null;
        for (int k = 0; k < spec.blocks(); k++) {
            for (LayerType layer : FlowLayout.blockLayers(spec, k)) {
                LayerGraph.Output out = layer.graph(graph, k, x);
                x = out.y();
                if (out.logDet() != null) {
                    logDet = logDet == null ? out.logDet() : logDet.add(out.logDet());
                }
            }
        }
        // D = 1: no reduction over the length-1 axis (ND4J M2.1 runs it as a no-op with a null input: NPE)
        SDVariable sq = d == 1 ? x.mul(x).reshape(-1) : x.mul(x).sum(1);
        SDVariable logp = FlowLayout.hasMixtureBase(spec) ? MixtureBaseLayer.INSTANCE.graph(graph, x)
                : sq.mul(-0.5).sub(0.5 * d * Math.log(2 * Math.PI));
        trainable.putAll(graph.trainableVariables());
        fixed.putAll(graph.structuralTensors());
        if (logDet != null) {
            logp = logp.add(logDet);
        }
        logp = sd.identity(LOGP, logp);
        sd.identity(LOSS, logp.mean().neg());
        sd.setLossVariables(LOSS);
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
    @Override
    public Step step(INDArray x, INDArray c) {
        ensureGradients();
        OutAndGrad og = sd.calculateGradientsAndOutputs(feed(x, c), List.of(LOSS), trainable.values());
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            grads.put(e.getKey(), og.getGradients().get(e.getValue()));
        }
        INDArray loss = og.getOutputs().get(LOSS);
        double l = loss.getDouble(0);
        return new Step(l, grads, null);
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
    @Override
    public double[] logProb(INDArray x, INDArray c) {
        return sd.output(feed(x, c), LOGP).get(LOGP).toDoubleVector();
    }

    /** Copy of every trainable variable (tensor name → row-major values). */
    @Override
    public Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trainable.entrySet()) {
            m.put(e.getKey(), flat(sd.getArrForVarName(e.getValue())));
        }
        return m;
    }

    /** Writes a {@link #snapshot()} back into the variables. */
    @Override
    public void restore(Map<String, float[]> snap) {
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

    /** Current weights as float tensors in {@link FlowSpec#expectedShapes()} order (structural ones included). */
    @Override
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
