package io.normalcy.bench;

import io.normalcy.flow.model.FlowSpec;
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
 * Cost of an alert's expected ranges (issue 14): {@code Scorer.expectedRanges} for all D features, as the detector
 * computed them before, against only the alert's top 3 (the default {@code normalcy.detector.top-features}), with
 * {@code score} as the unit. MAF_MOG (mixture base, whose quantiles are numeric solves) and MAF (Gaussian base,
 * closed-form quantiles); the model and records are {@link ScorerFixture}'s, as in {@link ScorerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExpectedRangesBenchmark {
    @Param({"16"})
    public int dim;
    @Param({"MAF_MOG", "MAF"})
    public String type;

    private Scorer scorer;
    private List<Map<String, Double>> features;
    private List<Map<String, String>> context;
    private long[] times;
    private int[][] top3;
    private int next;

    @Setup
    public void setup() {
        int c = ScorerFixture.contextDimension();
        int[] hidden = {128};
        FlowSpec spec = type.equals("MAF_MOG") ? FlowSpec.mafMog(dim, c, BenchModels.BLOCKS, hidden)
                : FlowSpec.maf(dim, c, BenchModels.BLOCKS, hidden);
        ScorerFixture fx = ScorerFixture.of(spec, dim);
        scorer = fx.scorer();
        features = fx.features();
        context = fx.context();
        times = fx.times();
        // which features are on top varies per alert: rotate over all of them, so no cheap or dear feature is favoured
        top3 = new int[BenchModels.ROWS][];
        for (int r = 0; r < BenchModels.ROWS; r++) {
            top3[r] = new int[] {r % dim, (r + 5) % dim, (r + 11) % dim};
        }
    }

    private int row() {
        int i = next;
        next = (i + 1) & (BenchModels.ROWS - 1);
        return i;
    }

    /** What every alert paid before issue 14's change. */
    @Benchmark
    public Object allFeatures() {
        int i = row();
        return scorer.expectedRanges(features.get(i), context.get(i), null, times[i], 0.99);
    }

    /** What an alert pays now with the default 3 top features. */
    @Benchmark
    public Object top3() {
        int i = row();
        return scorer.expectedRanges(features.get(i), context.get(i), null, times[i], 0.99, top3[i]);
    }

    /** One score, the unit the profile's "about 20 scores" refers to. */
    @Benchmark
    public Object score() {
        int i = row();
        return scorer.score(features.get(i), context.get(i), null, times[i]);
    }
}
