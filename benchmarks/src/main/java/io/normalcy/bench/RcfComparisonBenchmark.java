package io.normalcy.bench;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
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
 * Issue 7, item 2: records/s on one thread of our scoring kernel next to AWS Random Cut Forest 4.4.0 on the same
 * points, in one JMH run (run with {@code -prof io.normalcy.bench.CpuTimeProfiler} for records per CPU-second).
 * {@code impl}:
 * <ul>
 *   <li>{@code kernel} — {@link Flow#logProb(double[], double[], double[])} with the per-feature decomposition, as
 *   the detector calls it: conditional MAF, K = 5, hidden [128], C = 8 ({@link BenchModels});</li>
 *   <li>{@code trcf} — {@link ThresholdedRandomCutForest#process(double[], long)}: score + update of the forest
 *   (50 trees, sample size 256, shingle size 1, dimensions D, single-threaded), the anomaly-detection call of
 *   RCF's "parkservices" API, with its thresholding;</li>
 *   <li>{@code rcf} — for reference, the core forest alone: {@link RandomCutForest#getAnomalyScore} then
 *   {@link RandomCutForest#update} (same forest settings, no thresholder).</li>
 * </ul>
 * Same points for all: 65,536 standard-normal rows of dimension D (seed 11) cycled in order (many more than the
 * forest's sample, so RCF rarely sees a duplicate — duplicates would make its updates cheaper); the kernel also
 * gets an encoded context per row. The forests are fed 4,096 points in setup so they start full (steady state).
 * One benchmark method with an {@code impl} parameter so that, per D, the three run back to back (JMH orders
 * parameter combinations with the last parameter varying fastest), under the same machine load; each combination
 * gets its own forked JVM, as JMH does by default, so one's JIT profile does not affect the other's. Eight
 * one-second warm-up iterations: RCF's throughput was still rising for ~5 s (JIT), the kernel's settles in ~1 s. The kernel
 * scores with a fixed model; RCF also learns, which is its way of modelling — this compares the per-event cost of
 * each detector's normal operation, not equal work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 2)
public class RcfComparisonBenchmark {
    /** Rows cycled through (a power of two). */
    static final int ROWS = 1 << 16;
    static final int TREES = 50;
    static final int SAMPLE_SIZE = 256;

    @Param({"8", "16", "32"})
    public int dim;
    @Param({"kernel", "trcf", "rcf"})
    public String impl;

    private double[][] u;
    private double[][] ctx;
    private double[] perDim;
    private Flow flow;
    private ThresholdedRandomCutForest trcf;
    private RandomCutForest rcf;
    private int next;
    private long time;

    @Setup
    public void setup() {
        u = BenchModels.inputs(ROWS, dim, 11);
        ctx = BenchModels.contexts(ROWS, 13);
        perDim = new double[dim];
        switch (impl) {
            case "kernel" -> {
                FlowSpec spec = BenchModels.spec(dim, 128, 1);
                flow = FlowBuilder.build(spec, BenchModels.parameters(spec, 7));
            }
            case "trcf" -> {
                trcf = ThresholdedRandomCutForest.builder().dimensions(dim).shingleSize(1).numberOfTrees(TREES)
                        .sampleSize(SAMPLE_SIZE).parallelExecutionEnabled(false).randomSeed(17L).build();
                for (double[] x : BenchModels.inputs(4096, dim, 19)) {
                    trcf.process(x, time++);
                }
            }
            case "rcf" -> {
                rcf = RandomCutForest.builder().dimensions(dim).shingleSize(1).numberOfTrees(TREES)
                        .sampleSize(SAMPLE_SIZE).parallelExecutionEnabled(false).randomSeed(17L).build();
                for (double[] x : BenchModels.inputs(4096, dim, 19)) {
                    rcf.update(x);
                }
            }
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    /** One event: its score, and for the forests the update that follows. */
    @Benchmark
    public double scoreAndUpdate() {
        int i = next;
        next = (i + 1) & (ROWS - 1);
        if (flow != null) {
            return flow.logProb(u[i], ctx[i], perDim);
        }
        if (trcf != null) {
            return trcf.process(u[i], time++).getRCFScore();
        }
        double s = rcf.getAnomalyScore(u[i]);
        rcf.update(u[i]);
        return s;
    }
}
