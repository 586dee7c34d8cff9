package io.normalcy.bench;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Thresholds;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * closed-form quantiles); the features and context are those of {@link ScorerBenchmark}.
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
        List<String> shops = List.of("s0", "s1", "s2", "s3", "s4");
        ContextSpec cs = new ContextSpec(List.of(new ContextSpec.CategoricalField("shop", shops)),
                List.of(new ContextSpec.CyclicField("hour", ContextSpec.HOUR_OF_DAY, 24),
                        new ContextSpec.CyclicField("dow", ContextSpec.DAY_OF_WEEK, 7)), List.of());
        List<FeaturePreprocessor.Feature> fs = new ArrayList<>();
        for (int i = 0; i < dim; i++) {
            fs.add(new FeaturePreprocessor.Feature("f" + i, i % 4 == 1, i % 4 == 2, 1.0 + i, 2.0));
        }
        int[] hidden = {128};
        FlowSpec spec = type.equals("MAF_MOG") ? FlowSpec.mafMog(dim, cs.dimension(), BenchModels.BLOCKS, hidden)
                : FlowSpec.maf(dim, cs.dimension(), BenchModels.BLOCKS, hidden);
        ModelProvenance prov = new ModelProvenance("bench", 42L, null, null, Map.of(), 0, 0, 0, 0, 0, "bench", 0L,
                Map.of());
        NormalcyModel model = new NormalcyModel("bench", 1, spec, BenchModels.parameters(spec, 7),
                new FeaturePreprocessor(fs), cs, new Thresholds(List.of(), List.of("shop")), Map.of(), prov);
        scorer = model.newScorer();
        Random rng = new Random(17);
        features = new ArrayList<>();
        context = new ArrayList<>();
        times = new long[BenchModels.ROWS];
        for (int r = 0; r < BenchModels.ROWS; r++) {
            Map<String, Double> f = new HashMap<>();
            for (int i = 0; i < dim; i++) {
                double v = i % 4 == 1 ? rng.nextInt(10) : i % 4 == 2 ? Math.exp(rng.nextGaussian()) : rng.nextGaussian();
                f.put("f" + i, v);
            }
            features.add(f);
            context.add(Map.of("shop", shops.get(rng.nextInt(shops.size()))));
            times[r] = 1_700_000_000_000L + rng.nextInt(7 * 24) * 3_600_000L;
        }
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
