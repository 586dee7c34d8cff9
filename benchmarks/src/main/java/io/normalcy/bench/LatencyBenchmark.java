package io.normalcy.bench;

import io.normalcy.flow.model.FlowBuilder;
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
 * Latency distribution (JMH SampleTime: p50, p99, p99.9) of scoring one record with the per-feature
 * decomposition through the plain-Java kernel — the detector's per-event cost without Kafka.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LatencyBenchmark {
    @Param({"8", "16", "32"})
    public int dim;
    @Param({"128"})
    public int hidden;
    @Param({"1", "2"})
    public int layers;

    private Flow flow;
    private double[][] u;
    private double[][] ctx;
    private double[] perDim;
    private int next;

    @Setup
    public void setup() {
        FlowSpec spec = BenchModels.spec(dim, hidden, layers);
        flow = FlowBuilder.build(spec, BenchModels.parameters(spec, 7));
        u = BenchModels.inputs(BenchModels.ROWS, dim, 11);
        ctx = BenchModels.contexts(BenchModels.ROWS, 13);
        perDim = new double[dim];
    }

    @Benchmark
    public double oneRecord() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return flow.logProb(u[i], ctx[i], perDim);
    }
}
