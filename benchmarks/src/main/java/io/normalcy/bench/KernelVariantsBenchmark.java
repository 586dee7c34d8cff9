package io.normalcy.bench;

import io.normalcy.bench.kernel.BaselineFlows;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.Flow;
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
 * The kernel before and after the performance work, side by side in one JVM (so that both see the same machine
 * load): {@code baseline} = {@link io.normalcy.bench.kernel.BaselineMaf} (flat transposed weights, one scalar AXPY
 * per input), {@code current} = {@code MaskedAffineAutoregressive} (same-index row AXPYs, four inputs per pass,
 * μ/α interleaved). The setup checks that both give the same log-densities (1e-9).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class KernelVariantsBenchmark {
    @Param({"16"})
    public int dim;
    @Param({"128"})
    public int hidden;
    @Param({"1", "2"})
    public int layers;

    private Flow baseline;
    private Flow current;
    private double[][] u;
    private double[][] ctx;
    private double[] perDim;
    private int next;

    @Setup
    public void setup() {
        FlowSpec spec = BenchModels.spec(dim, hidden, layers);
        FlowParameters params = BenchModels.parameters(spec, 7);
        baseline = BaselineFlows.build(spec, params);
        current = FlowBuilder.build(spec, params);
        u = BenchModels.inputs(BenchModels.ROWS, dim, 11);
        ctx = BenchModels.contexts(BenchModels.ROWS, 13);
        perDim = new double[dim];
        for (int i = 0; i < BenchModels.ROWS; i++) {
            double a = baseline.logProb(u[i], ctx[i]);
            double b = current.logProb(u[i], ctx[i]);
            if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)))) {
                throw new IllegalStateException("kernels disagree on row " + i + ": " + a + " vs " + b);
            }
        }
    }

    @Benchmark
    public double baseline() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return baseline.logProb(u[i], ctx[i], perDim);
    }

    @Benchmark
    public double current() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return current.logProb(u[i], ctx[i], perDim);
    }
}
