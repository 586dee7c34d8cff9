package io.normalcy.bench;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.train.FlowGraph;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The alternative scoring path: the training graph's inference output ({@link FlowGraph#logProb(float[], float[],
 * int)}, ND4J/SameDiff, CPU backend) on batches of 1 / 64 / 512 / 4096 records, same models and inputs as
 * {@link KernelScoringBenchmark}. JMH reports batches/s, so {@code records/s = score × batch} (the batch size is
 * a {@code @Param}, which {@code @OperationsPerInvocation} cannot follow). Run with {@code OMP_NUM_THREADS=1} for
 * a per-core number: ND4J's OpenMP threads ignore {@code Nd4j.getEnvironment().setMaxThreads}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SameDiffScoringBenchmark {
    @Param({"8", "16", "32"})
    public int dim;
    @Param({"64", "128", "256"})
    public int hidden;
    @Param({"1", "2"})
    public int layers;
    @Param({"1", "64", "512", "4096"})
    public int batch;

    private FlowGraph graph;
    private float[] x;
    private float[] c;

    @Setup
    public void setup() {
        FlowSpec spec = BenchModels.spec(dim, hidden, layers);
        graph = FlowGraph.build(spec, BenchModels.parameters(spec, 7));
        int rows = Math.max(BenchModels.ROWS, batch);
        x = BenchModels.flatFloats(BenchModels.inputs(rows, dim, 11), 0, batch);
        c = BenchModels.flatFloats(BenchModels.contexts(rows, 13), 0, batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        graph.close();
    }

    /** One batch of {@code batch} records; records/s = score × batch. */
    @Benchmark
    public double[] output() {
        return graph.logProb(x, c, batch);
    }
}
