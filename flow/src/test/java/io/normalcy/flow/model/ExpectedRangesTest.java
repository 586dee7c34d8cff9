package io.normalcy.flow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.layer.ActNormLayer;
import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.flow.state.TestModels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected ranges are the exact conditional quantiles of each feature: checked against numerical integration of the
 * model's own conditional density (exp of the per-feature term, which is exactly log p(x_i | x_&lt;i, c) for
 * NATURAL MAF and MAF_MOG), against closed forms on 1-D models, and absent where the conditional is not exact.
 */
class ExpectedRangesTest {
    private static final long NOON_UTC = 1_700_049_600_000L;
    private static final Map<String, String> SHOP_B = Map.of("shop", "B");
    /** z of the 99.5 % quantile of N(0, 1). */
    private static final double Z995 = 2.5758293035489004;

    private static Map<String, Double> features(double amount, double count, double ratio) {
        Map<String, Double> f = new HashMap<>();
        f.put("amount", amount);
        f.put("count", count);
        f.put("ratio", ratio);
        return f;
    }

    private static NormalcyModel model(String type) {
        return TestModels.model(type.equals("MAF_MOG") ? TestModels.mixtureSpec() : TestModels.spec());
    }

    /**
     * ratio (plain continuous, last feature): its conditional density given amount, count and the context is
     * exp(term 2) as ratio varies; its integral up to low must be 0.005 and between low and high 0.99.
     */
    @ParameterizedTest
    @ValueSource(strings = {"MAF_MOG", "MAF"})
    void rangeOfTheLastFeatureHoldsTheModelsConditionalMass(String type) {
        NormalcyModel model = model(type);
        Scorer scorer = model.newScorer();
        ExpectedRanges r = scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99);
        assertNotNull(r);
        double lo = r.low(2);
        double hi = r.high(2);
        assertTrue(lo < hi, lo + " " + hi);
        DoubleUnaryOperator density = x -> Math.exp(scorer.score(features(20, 3, x), SHOP_B, Map.of(), NOON_UTC)
                .contributions()[2]);
        double w = hi - lo;
        double below = integrate(density, lo - 4 * w, lo);
        double inside = integrate(density, lo, hi);
        double above = integrate(density, hi, hi + 4 * w);
        assertEquals(1.0, below + inside + above, 1e-4, "the term is a normalised conditional density");
        assertEquals(0.005, below, 2e-5);
        assertEquals(0.99, inside, 5e-5);
        assertEquals(0.005, above, 2e-5);
    }

    /**
     * amount (first feature, log1p): the density of amount is exp(term 0) in original units; integrated over
     * y = log1p(amount) (density · e^y), the central 50 % range holds 0.5 and the mass above high is 0.25. (Its
     * 0.5 % quantile lies below 0, outside the training support, and is clamped at 0.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"MAF_MOG", "MAF"})
    void rangeOfALog1pFeatureIsInOriginalUnits(String type) {
        NormalcyModel model = model(type);
        Scorer scorer = model.newScorer();
        ExpectedRanges r = scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.5);
        double lo = r.low(0);
        double hi = r.high(0);
        assertTrue(lo > 0 && hi > lo, lo + " " + hi);
        DoubleUnaryOperator perY = y -> {
            double amount = Math.expm1(y);
            return Math.exp(scorer.score(features(amount, 3, -0.9), SHOP_B, Map.of(), NOON_UTC).contributions()[0]
                    + y);
        };
        double yLo = Math.log1p(lo);
        double yHi = Math.log1p(hi);
        assertEquals(0.5, integrate(perY, yLo, yHi), 5e-5);
        assertEquals(0.25, integrate(perY, yHi, yHi + 15), 5e-5);
        assertEquals(0.0, scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99).low(0),
                0.0, "clamped at the training support");
    }

    /** The range of x_i depends on the context and x_&lt;i, never on x_i or later features. */
    @Test
    void rangeDependsOnContextAndPrecedingFeaturesOnly() {
        Scorer scorer = model("MAF_MOG").newScorer();
        ExpectedRanges a = scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99);
        ExpectedRanges sameLead = scorer.expectedRanges(features(20, 3, 5.0), SHOP_B, Map.of(), NOON_UTC, 0.99);
        assertArrayEquals(a.low(), sameLead.low(), 1e-12);
        assertArrayEquals(a.high(), sameLead.high(), 1e-12);
        ExpectedRanges otherAmount = scorer.expectedRanges(features(900, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99);
        assertEquals(a.low(0), otherAmount.low(0), 1e-12);
        assertNotEquals(a.low(2), otherAmount.low(2));
        ExpectedRanges otherShop = scorer.expectedRanges(features(20, 3, -0.9), Map.of("shop", "A"), Map.of(),
                NOON_UTC, 0.99);
        assertNotEquals(a.high(0), otherShop.high(0));
        ExpectedRanges wider = scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.999);
        assertTrue(wider.low(2) < a.low(2) && wider.high(2) > a.high(2));
    }

    /** Integer features report whole values whose unit bins overlap the central interval. */
    @Test
    void integerFeatureRangeIsWholeNumbers() {
        ExpectedRanges r = model("MAF_MOG").newScorer().expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(),
                NOON_UTC, 0.99);
        assertEquals(Math.rint(r.low(1)), r.low(1), 0.0);
        assertEquals(Math.rint(r.high(1)), r.high(1), 0.0);
        assertTrue(r.low(1) <= r.high(1));
    }

    /** 1-D MAF_MOG with hand-set weights: x is a known 2-component Gaussian mixture; its CDF at low is 0.005. */
    @Test
    void oneDimensionalMixtureMatchesTheClosedForm() {
        FlowSpec spec = new FlowSpec(FlowType.MAF_MOG, 1, 0, 1, new int[] {4}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, FlowSpec.DEFAULT_SCALE_CLAMP, 1L, 2);
        FlowParameters p = zeroed(spec);
        // ActNorm: z1 = x·e^s + b; MAF: z2 = (z1 − μ)·e^{−α}; base: logits (0.5, −0.25), means (−1.5, 2), raw log σ
        double s = 0.25;
        double b = -0.5;
        double mu = 0.75;
        double alphaRaw = 0.5;
        p.put(ActNormLayer.scale(0), Tensor.of(new int[] {1}, new double[] {s}));
        p.put(ActNormLayer.bias(0), Tensor.of(new int[] {1}, new double[] {b}));
        p.put(MaskedAffineLayer.outputBias(0), Tensor.of(new int[] {2}, new double[] {mu, alphaRaw}));
        double[] base = {0.5, -0.25, -1.5, 2.0, -0.5, 0.25};
        p.put(MixtureBaseLayer.outputBias(), Tensor.of(new int[] {6}, base));
        NormalcyModel m = oneFeatureModel(spec, p, false);
        ExpectedRanges r = m.newScorer().expectedRanges(Map.of("x", 0.0), Map.of(), Map.of(), 0L, 0.99);

        double alpha = 3 * Math.tanh(alphaRaw / 3);
        double w0 = 1 / (1 + Math.exp(-0.75));
        double[] weights = {w0, 1 - w0};
        NormalDistribution[] comps = new NormalDistribution[2];
        for (int k = 0; k < 2; k++) {
            double sigma = Math.exp(6 * Math.tanh(base[4 + k] / 6));
            // x = ((z2·e^α + μ) − b)·e^{−s}
            double mean = ((base[2 + k] * Math.exp(alpha) + mu) - b) * Math.exp(-s);
            comps[k] = new NormalDistribution(null, mean, sigma * Math.exp(alpha - s));
        }
        DoubleUnaryOperator cdf = x -> weights[0] * comps[0].cumulativeProbability(x)
                + weights[1] * comps[1].cumulativeProbability(x);
        assertEquals(0.005, cdf.applyAsDouble(r.low(0)), 1e-10);
        assertEquals(0.995, cdf.applyAsDouble(r.high(0)), 1e-10);
    }

    /** 1-D MAF (Gaussian base) on a log1p feature: log1p(x) ~ N(mean + std·m, (std·σ)²), quantiles exp(…) − 1. */
    @Test
    void oneDimensionalGaussianWithLog1pMatchesTheClosedForm() {
        FlowSpec spec = FlowSpec.maf(1, 0, 1, 4);
        FlowParameters p = zeroed(spec);
        p.put(ActNormLayer.scale(0), Tensor.of(new int[] {1}, new double[] {-0.5}));
        p.put(ActNormLayer.bias(0), Tensor.of(new int[] {1}, new double[] {0.25}));
        NormalcyModel m = oneFeatureModel(spec, p, true);
        ExpectedRanges r = m.newScorer().expectedRanges(Map.of("x", 7.0), Map.of(), Map.of(), 0L, 0.99);
        // u = (z − 0.25)·e^{0.5} with z ~ N(0, 1); y = u·std + mean with mean 4, std 0.5
        double e = Math.exp(0.5);
        double yLo = (-Z995 - 0.25) * e * 0.5 + 4.0;
        double yHi = (Z995 - 0.25) * e * 0.5 + 4.0;
        assertEquals(Math.expm1(yLo), r.low(0), 1e-9 * Math.expm1(yHi));
        assertEquals(Math.expm1(yHi), r.high(0), 1e-9 * Math.expm1(yHi));
    }

    /** Coupling layers, LU layers and permutations mix coordinates: no exact 1-D conditional, so no range. */
    @Test
    void noRangeWhereTheConditionalIsNotExact() {
        ContextSpec ctx = TestModels.context();
        List<FlowSpec> inexact = List.of(FlowSpec.realNvp(3, ctx.dimension(), 2, 16),
                new FlowSpec(FlowType.MAF, 3, ctx.dimension(), 2, new int[] {16}, true, false,
                        PermutationMode.REVERSE, Ordering.NATURAL, false, 3.0, 42L),
                new FlowSpec(FlowType.MAF_MOG, 3, ctx.dimension(), 2, new int[] {16}, true, true,
                        PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 42L, 3),
                new FlowSpec(FlowType.MAF, 3, ctx.dimension(), 2, new int[] {16}, true, false,
                        PermutationMode.NONE, Ordering.ALTERNATING, false, 3.0, 42L));
        for (FlowSpec spec : inexact) {
            NormalcyModel m = TestModels.model(spec);
            assertTrue(!m.flow().hasExactConditionals(), spec.toString());
            assertNull(m.newScorer().expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99),
                    spec.toString());
        }
        assertTrue(model("MAF_MOG").flow().hasExactConditionals());
        assertTrue(model("MAF").flow().hasExactConditionals());
    }

    @Test
    void massOutsideTheOpenUnitIntervalIsRejected() {
        Scorer scorer = model("MAF").newScorer();
        for (double bad : new double[] {0, 1, -0.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class,
                    () -> scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, bad));
        }
    }

    /**
     * The alert path asks only for its top features' ranges (issue 14): each asked feature's range is bit for bit
     * the all-features value, in any order of indexes; the features not asked for have NaN ends.
     */
    @ParameterizedTest
    @ValueSource(strings = {"MAF_MOG", "MAF"})
    void subsetRangesAreExactlyTheAllFeaturesValues(String type) {
        Scorer scorer = model(type).newScorer();
        ExpectedRanges all = scorer.expectedRanges(features(900, 3, 0.4), SHOP_B, Map.of(), NOON_UTC, 0.99);
        for (int[] subset : new int[][] {{2}, {0}, {2, 0}, {1, 2, 0}, {}}) {
            ExpectedRanges some = scorer.expectedRanges(features(900, 3, 0.4), SHOP_B, Map.of(), NOON_UTC, 0.99,
                    subset);
            assertEquals(0.99, some.mass());
            List<Integer> asked = java.util.Arrays.stream(subset).boxed().toList();
            for (int i = 0; i < 3; i++) {
                if (asked.contains(i)) {
                    assertEquals(Double.doubleToRawLongBits(all.low(i)), Double.doubleToRawLongBits(some.low(i)),
                            "low " + i);
                    assertEquals(Double.doubleToRawLongBits(all.high(i)), Double.doubleToRawLongBits(some.high(i)),
                            "high " + i);
                } else {
                    assertTrue(Double.isNaN(some.low(i)) && Double.isNaN(some.high(i)), "not asked: " + i);
                }
            }
        }
        ExpectedRanges nullMeansAll = scorer.expectedRanges(features(900, 3, 0.4), SHOP_B, Map.of(), NOON_UTC, 0.99,
                null);
        assertArrayEquals(all.low(), nullMeansAll.low(), 0.0);
        assertArrayEquals(all.high(), nullMeansAll.high(), 0.0);
    }

    /** The flow-space quantiles of a subset leave the other entries of the output untouched. */
    @Test
    void flowSubsetQuantilesLeaveOtherCoordinatesUntouched() {
        io.normalcy.flow.transform.Flow flow = model("MAF_MOG").flow();
        double[] u = {0.3, -1.2, 2.5};
        double[] ctx = new double[TestModels.context().dimension()];
        double[] probs = {0.005, 0.995};
        double[][] full = new double[2][3];
        assertTrue(flow.conditionalQuantiles(u, ctx, probs, full));
        double[][] some = {{7, 7, 7}, {7, 7, 7}};
        assertTrue(flow.conditionalQuantiles(u, ctx, probs, some, new int[] {1}));
        assertArrayEquals(new double[] {7, full[0][1], 7}, some[0], 0.0);
        assertArrayEquals(new double[] {7, full[1][1], 7}, some[1], 0.0);
    }

    @Test
    void featureIndexesOutsideTheModelAreRejected() {
        Scorer scorer = model("MAF_MOG").newScorer();
        for (int bad : new int[] {-1, 3, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scorer.expectedRanges(features(20, 3, -0.9), SHOP_B, Map.of(), NOON_UTC, 0.99,
                            new int[] {0, bad}));
            assertTrue(e.getMessage().contains("feature index " + bad), e.getMessage());
        }
        io.normalcy.flow.transform.Flow flow = model("MAF").flow();
        assertThrows(IllegalArgumentException.class, () -> flow.conditionalQuantiles(new double[3],
                new double[TestModels.context().dimension()], new double[] {0.5}, new double[1][3], new int[] {3}));
    }

    /** Initial parameters with every weight and bias zeroed (degrees kept): identity layers, N(0,1)-like base. */
    private static FlowParameters zeroed(FlowSpec spec) {
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(1));
        FlowParameters out = new FlowParameters();
        init.asMap().forEach((name, t) -> out.put(name, name.endsWith(".ar.degrees") ? t : Tensor.zeros(t.shape())));
        return out;
    }

    private static NormalcyModel oneFeatureModel(FlowSpec spec, FlowParameters p, boolean log1p) {
        FeaturePreprocessor pre = new FeaturePreprocessor(List.of(log1p
                ? new FeaturePreprocessor.Feature("x", false, true, 4.0, 0.5)
                : new FeaturePreprocessor.Feature("x", false, false, 0.0, 1.0)));
        return new NormalcyModel("one", 1, spec, p, pre, ContextSpec.empty(), null, null, TestModels.provenance());
    }

    /** Composite Simpson rule with 20,000 panels. */
    private static double integrate(DoubleUnaryOperator f, double a, double b) {
        int n = 20_000;
        double h = (b - a) / n;
        double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            sum += f.applyAsDouble(a + i * h) * (i % 2 == 0 ? 2 : 4);
        }
        return sum * h / 3;
    }
}
