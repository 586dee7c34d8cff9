package io.normalcy.bench;

import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.Transform;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scalar (double) and the float SIMD (Vector API) scoring kernels side by side, one record at a time on one
 * thread, per layer type and for whole flows, D = 8 / 16 / 32, hidden [128], C = 8 ({@link BenchModels}):
 * {@code MAF_BLOCK} = one masked affine layer with MAF degrees, {@code COUPLING} = the same layer with RealNVP's
 * two degrees, {@code MOG_BASE} = the MAF_MOG mixture base density (K = 3 components), {@code FLOW_*} = the whole
 * flow with {@link BenchModels#BLOCKS} blocks and per-feature contributions (the detector's call:
 * {@code Flow.logProb(u, ctx, perDim)}, i.e. ActNorm, the masked affine layers with their glue, the base density and
 * the sums). {@code FLOW_MAF_MOG} has the shape of the end-to-end harness's model ({@code E2eData.train}: MAF_MOG,
 * 5 blocks of ActNorm + MAF, hidden [128], K = 3, a 5-value category one-hot + unknown + cyclic hour, C = 8). ActNorm,
 * LU and permutations have no SIMD variant (both kernels run the same scalar code). The JVM gets
 * {@code --add-modules jdk.incubator.vector} ({@code @Fork}); the setup checks that the two kernels agree.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SimdKernelBenchmark {
    @Param({"MAF_BLOCK", "COUPLING", "MOG_BASE", "FLOW_MAF", "FLOW_MAF_MOG", "FLOW_REALNVP"})
    public String layer;
    @Param({"8", "16", "32"})
    public int dim;
    @Param({"SCALAR", "SIMD"})
    public ScoringKernel kernel;
    @Param({"128"})
    public int hidden;

    private Transform transform;
    private BaseDensity base;
    private Flow flow;
    private double[][] u;
    private double[][] ctx;
    private double[] out;
    private double[] perDim;
    private int next;

    @Setup
    public void setup() {
        if (kernel == ScoringKernel.SIMD && !KernelSelector.vectorModulePresent()) {
            throw new IllegalStateException("run with --add-modules " + KernelSelector.VECTOR_MODULE);
        }
        String type = switch (layer) {
            case "MOG_BASE", "FLOW_MAF_MOG" -> "MAF_MOG";
            case "COUPLING", "FLOW_REALNVP" -> "REALNVP";
            default -> "MAF";
        };
        FlowSpec spec = spec(type);
        FlowParameters params = BenchModels.parameters(spec, 7);
        u = BenchModels.inputs(BenchModels.ROWS, dim, 11);
        ctx = BenchModels.contexts(BenchModels.ROWS, 13);
        out = new double[dim];
        perDim = new double[dim];
        switch (layer) {
            case "MAF_BLOCK", "COUPLING" -> transform = last(FlowBuilder.blockParts(spec, params, 0, kernel));
            case "MOG_BASE" -> base = MixtureBaseLayer.INSTANCE.kernel(spec, params, kernel);
            default -> flow = FlowBuilder.build(spec, params, kernel);
        }
        Flow reference = FlowBuilder.build(spec, params, ScoringKernel.SCALAR);
        Flow simd = FlowBuilder.build(spec, params, ScoringKernel.SIMD);
        for (int i = 0; i < BenchModels.ROWS; i++) {
            double a = reference.logProb(u[i], ctx[i]);
            double b = simd.logProb(u[i], ctx[i]);
            // 1e-4 nats, relative for the far-out log-densities these untrained weights give some rows
            if (!(Math.abs(a - b) <= 1e-4 * (1 + Math.abs(a)))) {
                throw new IllegalStateException("kernels disagree on row " + i + ": " + a + " vs " + b);
            }
        }
    }

    private FlowSpec spec(String type) {
        FlowSpec s = BenchModels.spec(dim, hidden, 1, type.equals("REALNVP") ? "MAF" : type, BenchModels.BLOCKS);
        if (type.equals("REALNVP")) {
            return FlowSpec.realNvp(dim, BenchModels.CONTEXT_DIM, BenchModels.BLOCKS, hidden);
        }
        return s;
    }

    private static Transform last(List<Transform> parts) {
        return parts.get(parts.size() - 1);
    }

    @Benchmark
    public double score() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        if (flow != null) {
            return flow.logProb(u[i], ctx[i], perDim);
        }
        if (base != null) {
            return base.logProb(u[i], ctx[i], perDim);
        }
        return transform.forward(u[i], ctx[i], out, perDim);
    }
}
