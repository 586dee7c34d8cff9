package io.normalcy.bench;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import java.util.List;
import java.util.Map;
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
 * End-to-end scoring cost of one record as the detector pays it, minus Kafka: {@code NormalcyModel.newScorer()
 * .score(features, context, contextNumeric, eventTime)} — feature lookup by name, validation, dequantisation /
 * log1p / standardisation, context encoding (one-hot shop with 5 values + unknown, sin/cos hour of day and day of
 * week: C = 10), the flow's log-density with per-feature contributions, and the returned {@code Score}.
 * {@code scoreInto} is the allocation-free variant. Throughput and latency (SampleTime) are both reported.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ScorerBenchmark {
    @Param({"16"})
    public int dim;
    @Param({"128"})
    public int hidden;
    @Param({"1"})
    public int layers;

    private Scorer scorer;
    private List<Map<String, Double>> features;
    private List<Map<String, String>> context;
    private long[] times;
    private double[] contributions;
    private int next;

    @Setup
    public void setup() {
        ScorerFixture fx = ScorerFixture.of(FlowSpec.maf(dim, ScorerFixture.contextDimension(), BenchModels.BLOCKS,
                hiddenSizes()), dim);
        scorer = fx.scorer();
        features = fx.features();
        context = fx.context();
        times = fx.times();
        contributions = new double[dim];
    }

    private int[] hiddenSizes() {
        int[] hs = new int[layers];
        java.util.Arrays.fill(hs, hidden);
        return hs;
    }

    /** The detector's call: allocates the returned Score. */
    @Benchmark
    public Object score() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return scorer.score(features.get(i), context.get(i), null, times[i]);
    }

    @Benchmark
    public double scoreInto() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return scorer.scoreInto(features.get(i), context.get(i), null, times[i], contributions);
    }
}
