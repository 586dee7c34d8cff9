package io.normalcy.bench;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.Flow;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records/s on one thread (= per core) of the plain-Java scoring kernel ({@link Flow}): one record with the
 * per-feature decomposition (what the detector calls per event), and batches of 64 / 512 through
 * {@link Flow#logProb(double[][], double[][])}. Scores are per record ({@code @OperationsPerInvocation}).
 * {@code type} and {@code blocks} compare flow families, e.g. {@code -p type=MAF,MAF_MOG -p blocks=4} (the trainer's
 * default depth; the other parameters default to the benchmark grid's MAF with {@link BenchModels#BLOCKS} blocks).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class KernelScoringBenchmark {
    @Param({"8", "16", "32"})
    public int dim;
    @Param({"64", "128", "256"})
    public int hidden;
    @Param({"1", "2"})
    public int layers;
    @Param({"MAF"})
    public String type;
    @Param({"5"})
    public int blocks;

    private Flow flow;
    private double[][] u;
    private double[][] ctx;
    private double[][] u64;
    private double[][] c64;
    private double[] perDim;
    private int next;

    @Setup
    public void setup() {
        FlowSpec spec = BenchModels.spec(dim, hidden, layers, type, blocks);
        flow = FlowBuilder.build(spec, BenchModels.parameters(spec, 7));
        u = BenchModels.inputs(BenchModels.ROWS, dim, 11);
        ctx = BenchModels.contexts(BenchModels.ROWS, 13);
        u64 = Arrays.copyOf(u, 64);
        c64 = Arrays.copyOf(ctx, 64);
        perDim = new double[dim];
    }

    /** One record with per-feature contributions (the detector's call). */
    @Benchmark
    public double single() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return flow.logProb(u[i], ctx[i], perDim);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public double[] batch64() {
        return flow.logProb(u64, c64);
    }

    @Benchmark
    @OperationsPerInvocation(512)
    public double[] batch512() {
        return flow.logProb(u, ctx);
    }
}
