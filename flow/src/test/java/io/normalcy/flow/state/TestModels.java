package io.normalcy.flow.state;

import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.ContextCombination;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.model.Thresholds;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small hand-built models for tests: a conditional MAF over (amount, count, ratio) with random (not trained)
 * weights large enough that the flow is far from the identity, context = shop (A, B + unknown) and hour of day.
 */
public final class TestModels {
    private TestModels() {
    }

    public static ContextSpec context() {
        return new ContextSpec(List.of(new ContextSpec.CategoricalField("shop", List.of("A", "B"))),
                List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)), List.of());
    }

    public static FeaturePreprocessor preprocessor() {
        return new FeaturePreprocessor(List.of(
                new FeaturePreprocessor.Feature("amount", false, true, 3.0, 1.5),
                new FeaturePreprocessor.Feature("count", true, false, 4.0, 2.0),
                new FeaturePreprocessor.Feature("ratio", false, false, -1.0, 0.25)));
    }

    /** Random weights: every float tensor except degrees/permutations gets N(0, scale²) noise. */
    public static FlowParameters randomParameters(FlowSpec spec, long seed, double scale) {
        Random rng = new Random(seed);
        FlowParameters p = ParameterInitializer.initialize(spec, rng);
        FlowParameters out = new FlowParameters();
        p.asMap().forEach((name, t) -> {
            boolean structural = name.endsWith(".ar.degrees") || name.endsWith(".perm");
            if (structural) {
                out.put(name, t);
                return;
            }
            float[] d = t.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (scale * rng.nextGaussian());
            }
            out.put(name, new Tensor(t.shape(), d));
        });
        return out;
    }

    public static Thresholds thresholds() {
        return new Thresholds(List.of(
                new ThresholdLevel(0.01, Severity.WARNING, -9.5, 2000,
                        Map.of("shop", Map.of("A", new ContextThreshold(-8.25, 900, false),
                                "B", new ContextThreshold(-9.5, 20, true)))),
                new ThresholdLevel(0.001, Severity.CRITICAL, -14.0, 2000,
                        Map.of("shop", Map.of("A", new ContextThreshold(-12.5, 900, false),
                                "B", new ContextThreshold(-14.0, 20, true))))), List.of("shop"));
    }

    public static ModelProvenance provenance() {
        return new ModelProvenance("test", 42L, 1_700_000_000_000L, 1_700_086_400_000L,
                Map.of("normalcy.features-0", 1234L), 2500, 3, 2.5, 2.75, 500, "CpuBackend",
                1_700_100_000_000L, Map.of("epochs", "10", "blocks", "2"));
    }

    public static FlowSpec spec() {
        ContextSpec ctx = context();
        return FlowSpec.maf(3, ctx.dimension(), 2, 16, 16);
    }

    /** The MAF_MOG variant of {@link #spec()} (K = 3). */
    public static FlowSpec mixtureSpec() {
        ContextSpec ctx = context();
        return new FlowSpec(io.normalcy.flow.model.FlowType.MAF_MOG, 3, ctx.dimension(), 2, new int[] {16, 16}, true,
                false, io.normalcy.flow.model.PermutationMode.NONE, io.normalcy.flow.model.Ordering.NATURAL, false,
                FlowSpec.DEFAULT_SCALE_CLAMP, 42L, 3);
    }

    public static NormalcyModel model() {
        return model(spec());
    }

    public static NormalcyModel model(FlowSpec spec) {
        return new NormalcyModel("payments", 7, spec, randomParameters(spec, 5, 0.2), preprocessor(), context(),
                thresholds(), Map.of("amount", -1.5, "count", -2.0, "ratio", 0.5), provenance());
    }

    /** Two categorical fields, shop (A, B) and channel (web, app), and the hour of day. */
    public static ContextSpec twoFieldContext() {
        return new ContextSpec(List.of(new ContextSpec.CategoricalField("shop", List.of("A", "B")),
                new ContextSpec.CategoricalField("channel", List.of("web", "app"))),
                List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)), List.of());
    }

    /**
     * Thresholds over {@link #twoFieldContext()} with combination entries (format 5): A×web has its own at both
     * levels, B×app at the warning level only.
     */
    public static Thresholds combinationThresholds() {
        List<String> fields = List.of("shop", "channel");
        ContextCombination aWeb = new ContextCombination(fields, List.of("A", "web"));
        ContextCombination bApp = new ContextCombination(fields, List.of("B", "app"));
        Map<ContextCombination, ContextThreshold> warn = new LinkedHashMap<>();
        warn.put(aWeb, new ContextThreshold(-7.75, 600, false));
        warn.put(bApp, new ContextThreshold(-10.5, 300, false));
        return new Thresholds(List.of(
                new ThresholdLevel(0.01, Severity.WARNING, -9.5, 2000,
                        Map.of("shop", Map.of("A", new ContextThreshold(-8.25, 900, false),
                                "B", new ContextThreshold(-9.5, 20, true))), warn),
                new ThresholdLevel(0.001, Severity.CRITICAL, -14.0, 2000,
                        Map.of("shop", Map.of("A", new ContextThreshold(-12.5, 900, false),
                                "B", new ContextThreshold(-14.0, 20, true))),
                        Map.of(aWeb, new ContextThreshold(-11.75, 600, false)))), fields);
    }

    /** {@link #model()} over {@link #twoFieldContext()} with {@link #combinationThresholds()}. */
    public static NormalcyModel combinationModel() {
        ContextSpec ctx = twoFieldContext();
        FlowSpec spec = FlowSpec.maf(3, ctx.dimension(), 2, 16, 16);
        return new NormalcyModel("payments", 8, spec, randomParameters(spec, 5, 0.2), preprocessor(), ctx,
                combinationThresholds(), Map.of("amount", -1.5, "count", -2.0, "ratio", 0.5), provenance());
    }

    /** Degree tensor name of block 0, for tamper tests. */
    public static String degrees0() {
        return MaskedAffineLayer.degrees(0);
    }
}
