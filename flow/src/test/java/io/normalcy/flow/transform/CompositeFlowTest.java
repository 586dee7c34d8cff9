package io.normalcy.flow.transform;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.normalcy.flow.transform.FlowTestSupport.checkContract;
import static io.normalcy.flow.transform.FlowTestSupport.checkLargeInputs;
import static io.normalcy.flow.transform.FlowTestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Whole flows (MAF, MAF_MOG and RealNVP stacks with every optional part) against the transform contract. */
class CompositeFlowTest {

    static Stream<Arguments> specs() {
        List<Arguments> a = new ArrayList<>();
        for (int d = 3; d <= 6; d++) {
            for (int c : new int[] {0, 3}) {
                a.add(Arguments.of(new FlowSpec(FlowType.MAF, d, c, 3, new int[] {16}, true, false,
                        PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 1L)));
                a.add(Arguments.of(new FlowSpec(FlowType.MAF, d, c, 3, new int[] {12, 12}, true, true,
                        PermutationMode.REVERSE, Ordering.ALTERNATING, false, 3.0, 2L)));
                a.add(Arguments.of(new FlowSpec(FlowType.MAF, d, c, 2, new int[] {10}, false, true,
                        PermutationMode.RANDOM, Ordering.RANDOM, false, 2.0, 3L)));
                a.add(Arguments.of(new FlowSpec(FlowType.REALNVP, d, c, 4, new int[] {16}, true, true,
                        PermutationMode.RANDOM, Ordering.NATURAL, false, 3.0, 4L)));
                a.add(Arguments.of(new FlowSpec(FlowType.REALNVP, d, c, 3, new int[] {8, 8}, true, false,
                        PermutationMode.NONE, Ordering.NATURAL, true, 3.0, 5L)));
                a.add(Arguments.of(new FlowSpec(FlowType.MAF_MOG, d, c, 2, new int[] {16}, true, false,
                        PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 6L, 3)));
                a.add(Arguments.of(new FlowSpec(FlowType.MAF_MOG, d, c, 2, new int[] {12, 12}, true, true,
                        PermutationMode.REVERSE, Ordering.ALTERNATING, false, 3.0, 7L, 4)));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void compositeSatisfiesContract(FlowSpec spec) {
        Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, spec.seed() * 31 + spec.dim(), 1.0));
        // FlowSpec.hashCode mixes in an enum's identity hash, different in every JVM: seed from stable fields.
        Random rng = new Random(spec.seed() * 1009 + spec.dim() * 31L + spec.contextDim());
        double[] ctx = randomVector(spec.contextDim(), rng, 1.0);
        for (int rep = 0; rep < 4; rep++) {
            checkContract(flow.transform(), randomVector(spec.dim(), rng, 1.5), ctx, spec + " rep " + rep);
        }
        checkLargeInputs(flow.transform(), ctx, rng, spec.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void logProbPerDimAndBatchAgree(FlowSpec spec) {
        Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, 99, 1.0));
        Random rng = new Random(7);
        double[][] u = new double[5][];
        double[][] ctx = new double[5][];
        for (int r = 0; r < 5; r++) {
            u[r] = randomVector(spec.dim(), rng, 1.0);
            ctx[r] = randomVector(spec.contextDim(), rng, 1.0);
        }
        double[] batch = flow.logProb(u, ctx);
        for (int r = 0; r < 5; r++) {
            double[] z = new double[spec.dim()];
            double ld = flow.forward(u[r], ctx[r], z);
            double expected = ld + flow.base().logProb(z, ctx[r], null);
            double tol = 1e-12 * Math.max(1, Math.abs(expected));
            assertEquals(expected, flow.logProb(u[r], ctx[r]), tol);
            assertEquals(expected, batch[r], tol);
            double[] perDim = new double[spec.dim()];
            perDim[0] = 1e9; // must be overwritten, not accumulated
            assertEquals(expected, flow.logProb(u[r], ctx[r], perDim), tol);
            double sum = 0;
            for (double v : perDim) {
                sum += v;
            }
            assertEquals(expected, sum, 1e3 * tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void samplesInvertTheBaseDraws(FlowSpec spec) {
        Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, 5, 1.0));
        double[] ctx = randomVector(spec.contextDim(), new Random(1), 1.0);
        double[][] x = flow.sample(4, ctx, new Random(123));
        Random draws = new Random(123);
        double[] drawn = new double[spec.dim()];
        for (double[] row : x) {
            double[] z = new double[spec.dim()];
            flow.forward(row, ctx, z);
            flow.base().sample(draws, ctx, drawn);
            for (int i = 0; i < spec.dim(); i++) {
                assertEquals(drawn[i], z[i], 1e-7 * Math.max(1, Math.abs(drawn[i])));
            }
        }
    }

    @Test
    void perDimFollowsFeaturesThroughPermutations() {
        // ActNorm only + reverse permutation: the ActNorm term of feature i must stay on feature i.
        FlowSpec spec = new FlowSpec(FlowType.REALNVP, 3, 0, 1, new int[] {4}, true, false, PermutationMode.REVERSE,
                Ordering.NATURAL, true, 3.0, 1L);
        FlowParameters p = io.normalcy.flow.model.ParameterInitializer.initialize(spec, new Random(1));
        p.put("b0.ar.wout", io.normalcy.flow.model.Tensor.zeros(6, 4)); // μ ≡ 0, additive: identity layer
        p.put("b0.actnorm.scale", io.normalcy.flow.model.Tensor.of(new int[] {3}, new double[] {0.1, 0.2, 0.3}));
        Flow flow = FlowBuilder.build(spec, p);
        double[] u = {0, 0, 0};
        double[] perDim = new double[3];
        flow.logProb(u, null, perDim);
        // bias 0, weights 0: z = u·exp(s) = 0, so perDim[i] = s_i − ½ log 2π
        for (int i = 0; i < 3; i++) {
            assertEquals(0.1 * (i + 1) - StandardNormal.HALF_LOG_2PI, perDim[i], 1e-6);
        }
    }

    @Test
    void rejectsBadInputsWithClearErrors() {
        FlowSpec spec = FlowSpec.maf(3, 2, 2, 8);
        Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, 1, 0.3));
        assertThrows(IllegalArgumentException.class, () -> flow.logProb(new double[2], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> flow.logProb(new double[3], new double[1]));
        assertThrows(IllegalArgumentException.class, () -> flow.logProb(new double[3], null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flow.logProb(new double[] {0, Double.NaN, 0}, new double[2]));
        assertEquals("flow input 1 is not finite: NaN", e.getMessage());
    }
}
