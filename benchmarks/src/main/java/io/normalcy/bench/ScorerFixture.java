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

/**
 * A whole model as the detector scores it, and {@link BenchModels#ROWS} records for it, shared by the benchmarks
 * that call {@link Scorer} (so their figures describe the same work): D features mixing counts (integer), heavy-tailed
 * amounts (log1p) and plain reals; context = one-hot shop (5 values + unknown; one record in 16 has a shop outside
 * the vocabulary), sin/cos hour of day and day of week (C = 10); seeded weights from {@link BenchModels#parameters}.
 */
public record ScorerFixture(Scorer scorer, List<Map<String, Double>> features, List<Map<String, String>> context,
                            long[] times) {
    private static final List<String> SHOPS = List.of("s0", "s1", "s2", "s3", "s4");

    /** The encoded context length of {@link #contextSpec()}. */
    public static int contextDimension() {
        return contextSpec().dimension();
    }

    /** Builds the model for {@code spec} (whose D and C must match) and the seeded records. */
    public static ScorerFixture of(FlowSpec spec, int dim) {
        ContextSpec cs = contextSpec();
        List<FeaturePreprocessor.Feature> fs = new ArrayList<>();
        for (int i = 0; i < dim; i++) {
            fs.add(new FeaturePreprocessor.Feature("f" + i, i % 4 == 1, i % 4 == 2, 1.0 + i, 2.0));
        }
        ModelProvenance prov = new ModelProvenance("bench", 42L, null, null, Map.of(), 0, 0, 0, 0, 0, "bench", 0L,
                Map.of());
        NormalcyModel model = new NormalcyModel("bench", 1, spec, BenchModels.parameters(spec, 7),
                new FeaturePreprocessor(fs), cs, new Thresholds(List.of(), List.of("shop")), Map.of(), prov);
        Random rng = new Random(17);
        List<Map<String, Double>> features = new ArrayList<>();
        List<Map<String, String>> context = new ArrayList<>();
        long[] times = new long[BenchModels.ROWS];
        for (int r = 0; r < BenchModels.ROWS; r++) {
            Map<String, Double> f = new HashMap<>();
            for (int i = 0; i < dim; i++) {
                double v = i % 4 == 1 ? rng.nextInt(10) : i % 4 == 2 ? Math.exp(rng.nextGaussian()) : rng.nextGaussian();
                f.put("f" + i, v);
            }
            features.add(f);
            context.add(Map.of("shop", r % 16 == 0 ? "new-shop" : SHOPS.get(rng.nextInt(SHOPS.size()))));
            times[r] = 1_700_000_000_000L + rng.nextInt(7 * 24) * 3_600_000L;
        }
        return new ScorerFixture(model.newScorer(), features, context, times);
    }

    private static ContextSpec contextSpec() {
        return new ContextSpec(List.of(new ContextSpec.CategoricalField("shop", SHOPS)),
                List.of(new ContextSpec.CyclicField("hour", ContextSpec.HOUR_OF_DAY, 24),
                        new ContextSpec.CyclicField("dow", ContextSpec.DAY_OF_WEEK, 7)), List.of());
    }
}
