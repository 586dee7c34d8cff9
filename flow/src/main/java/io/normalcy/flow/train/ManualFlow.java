package io.normalcy.flow.train;

import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.train.manual.ManualLayer;
import io.normalcy.flow.train.manual.ManualLayers;
import io.normalcy.flow.train.manual.ManualMixtureBase;
import io.normalcy.flow.train.manual.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training step of {@link TrainingEngine#MANUAL}: the same density and loss as {@link FlowGraph} (the layers
 * of {@link FlowLayout}, base N(0, I) or the MAF_MOG mixture, loss −mean log p), with a hand-written forward
 * and analytic backward per layer type ({@link ManualLayer}) in in-place ND4J calls on buffers allocated once per batch size. Why: a SameDiff
 * step spends about two thirds of its time on per-op overhead — a new output buffer per op, output-shape
 * inference, JavaCPP pointer book-keeping, the session's maps — paid ~400 times per step (docs/benchmarks.md,
 * "Training vs PyTorch"); here a step is ~40 ND4J calls per block plus a few for the optimiser, none of which
 * allocates. ND4J stays the engine (OpenBLAS matmuls on CPU, the CUDA backend would apply unchanged).
 *
 * <p>Parameters and gradients live in one flat array each ({@link ParameterStore}), so {@link Updates} runs Adam,
 * clipping and weight decay over the whole model in a few calls. {@link FlowGraph} stays the reference: the
 * gradients of every tensor are tested against its automatic differentiation, the log-density against the graph
 * and the plain-Java kernel ({@code ManualFlowParityTest}).
 */
final class ManualFlow implements TrainableFlow {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final FlowSpec spec;
    private final List<ManualLayer> layers = new ArrayList<>();
    private final ParameterStore store;
    /** the MAF_MOG base, null for N(0, I) */
    private final ManualMixtureBase mixture;
    private final Map<String, Tensor> fixed = new LinkedHashMap<>();
    private final Map<Integer, INDArray[]> buffers = new HashMap<>();
    private final INDArray ones;

    private ManualFlow(FlowSpec spec, FlowParameters params) {
        this.spec = spec;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int k = 0; k < spec.blocks(); k++) {
            for (LayerType type : FlowLayout.blockLayers(spec, k)) {
                ManualLayer layer = ManualLayers.of(type, spec, k, params);
                shapes.putAll(layer.trainableShapes());
                layers.add(layer);
            }
        }
        this.mixture = FlowLayout.hasMixtureBase(spec) ? new ManualMixtureBase(spec) : null;
        if (mixture != null) {
            shapes.putAll(mixture.trainableShapes());
        }
        this.store = new ParameterStore(shapes, params);
        for (ManualLayer layer : layers) {
            layer.bind(store);
        }
        if (mixture != null) {
            mixture.bind(store);
        }
        for (Map.Entry<String, int[]> e : spec.expectedShapes().entrySet()) {
            if (!shapes.containsKey(e.getKey())) {
                Tensor t = params.require(e.getKey(), e.getValue());
                fixed.put(e.getKey(), new Tensor(t.shape(), t.data().clone()));
            }
        }
        this.ones = Nd4j.ones(DataType.FLOAT, spec.dim(), 1);
    }

    /** Whether {@code spec} can train on this engine (every layer and the base have a manual pass). */
    static boolean supports(FlowSpec spec) {
        return ManualLayers.supports(spec);
    }

    /**
     * The manual step of {@code spec} initialised with {@code params}.
     *
     * @throws IllegalArgumentException when a tensor is missing or malformed, or a layer has no manual pass
     */
    static ManualFlow build(FlowSpec spec, FlowParameters params) {
        if (spec == null || params == null) {
            throw new IllegalArgumentException("spec and params must not be null");
        }
        if (!supports(spec)) {
            throw new IllegalArgumentException("flow type " + spec.type()
                    + " has no manual training pass; use the SameDiff engine");
        }
        FlowBuilder.validate(spec, params);
        return new ManualFlow(spec, params);
    }

    @Override
    public FlowSpec spec() {
        return spec;
    }

    @Override
    public Set<String> trainableNames() {
        return store.names();
    }

    @Override
    public INDArray array(String tensorName) {
        return store.param(tensorName);
    }

    @Override
    public INDArray flatParameters() {
        return store.flatParameters();
    }

    @Override
    public long decayedLength() {
        return store.decayedLength();
    }

    /** {logp [n, 1], z² or dL/dz [n, D]} of one batch size. */
    private INDArray[] buffers(int n) {
        return buffers.computeIfAbsent(n, k -> new INDArray[] {Nd4j.create(DataType.FLOAT, k, 1),
            Nd4j.create(DataType.FLOAT, k, spec.dim())});
    }

    /** Runs every layer forward; returns z, with log p of each row in {@code buffers(n)[0]}. */
    private INDArray forward(INDArray x, INDArray c) {
        if (spec.contextDim() > 0 && c == null) {
            throw new IllegalArgumentException("context batch required: contextDim = " + spec.contextDim());
        }
        INDArray[] buf = buffers((int) x.rows());
        INDArray logp = buf[0].assign(mixture != null ? 0.0 : -0.5 * spec.dim() * LOG_2PI);
        INDArray z = x;
        for (ManualLayer layer : layers) {
            z = layer.forward(z, c, logp);
        }
        if (mixture != null) {
            mixture.forward(z, c, logp);
        } else {
            z.mul(z, buf[1]);
            Nd4j.gemm(buf[1], ones, logp, false, false, -0.5, 1.0);
        }
        return z;
    }

    @Override
    public Step step(INDArray x, INDArray c) {
        int n = (int) x.rows();
        INDArray z = forward(x, c);
        INDArray[] buf = buffers(n);
        double loss = -buf[0].meanNumber().doubleValue();
        // loss = −mean(log p): dL/d(log p of a row) = dL/d(log-det of a row) = −1/n; N(0, I): dL/dz = z / n
        INDArray g = mixture != null ? mixture.backward(c, -1.0 / n) : z.mul(1.0 / n, buf[1]);
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g, c, -1.0 / n);
        }
        return new Step(loss, store.gradients(), store.flatGradients());
    }

    @Override
    public double[] logProb(INDArray x, INDArray c) {
        forward(x, c);
        return buffers((int) x.rows())[0].toDoubleVector();
    }

    @Override
    public Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String name : store.names()) {
            m.put(name, FlowGraph.flat(store.param(name)));
        }
        return m;
    }

    @Override
    public void restore(Map<String, float[]> snap) {
        for (String name : store.names()) {
            INDArray arr = store.param(name);
            INDArray src = Nd4j.create(snap.get(name), arr.shape(), 'c');
            arr.assign(src);
            src.close();
        }
    }

    @Override
    public FlowParameters parameters() {
        FlowParameters out = new FlowParameters();
        for (Map.Entry<String, int[]> e : spec.expectedShapes().entrySet()) {
            Tensor t = fixed.get(e.getKey());
            out.put(e.getKey(), t != null ? new Tensor(t.shape(), t.data().clone())
                    : new Tensor(e.getValue(), FlowGraph.flat(store.param(e.getKey()))));
        }
        return out;
    }

    @Override
    public void close() {
        store.close();
    }
}
