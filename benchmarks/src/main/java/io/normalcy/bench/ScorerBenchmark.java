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
        List<String> shops = List.of("s0", "s1", "s2", "s3", "s4");
        ContextSpec cs = new ContextSpec(List.of(new ContextSpec.CategoricalField("shop", shops)),
                List.of(new ContextSpec.CyclicField("hour", ContextSpec.HOUR_OF_DAY, 24),
                        new ContextSpec.CyclicField("dow", ContextSpec.DAY_OF_WEEK, 7)), List.of());
        List<FeaturePreprocessor.Feature> fs = new ArrayList<>();
        for (int i = 0; i < dim; i++) {
            // a mix like real feature vectors: counts (integer), heavy-tailed amounts (log1p), plain reals
            boolean integer = i % 4 == 1;
            boolean log1p = i % 4 == 2;
            fs.add(new FeaturePreprocessor.Feature("f" + i, integer, log1p, 1.0 + i, 2.0));
        }
        FlowSpec spec = FlowSpec.maf(dim, cs.dimension(), BenchModels.BLOCKS, hiddenSizes());
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
            // one record in 16 has a shop outside the vocabulary (the unknown slot)
            context.add(Map.of("shop", r % 16 == 0 ? "new-shop" : shops.get(rng.nextInt(shops.size()))));
            times[r] = 1_700_000_000_000L + rng.nextInt(7 * 24) * 3_600_000L;
        }
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
