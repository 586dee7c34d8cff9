package io.normalcy.flow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.Flow;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SameDiff graph and the plain-Java kernel implement the same density (design "Parameterisation").
 * Parameters are perturbed far from the near-identity initialisation so every term (ActNorm, LU, masks,
 * context, clamp, mixture logits, means and scales) matters. The graph runs in float32, the kernel in double on the same float32 weights:
 * tolerance |Δ log p| ≤ 1e-4·(1 + |log p|).
 */
class FlowGraphParityTest {

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of(spec(FlowType.MAF, 3, 0, Ordering.NATURAL, PermutationMode.NONE, false, true, false)),
                Arguments.of(spec(FlowType.MAF, 4, 3, Ordering.NATURAL, PermutationMode.NONE, true, true, false)),
                Arguments.of(spec(FlowType.MAF, 5, 2, Ordering.RANDOM, PermutationMode.RANDOM, true, true, false)),
                Arguments.of(spec(FlowType.MAF, 4, 2, Ordering.ALTERNATING, PermutationMode.REVERSE, true, false,
                        true)),
                Arguments.of(spec(FlowType.REALNVP, 3, 0, Ordering.NATURAL, PermutationMode.NONE, true, true, false)),
                Arguments.of(spec(FlowType.REALNVP, 5, 4, Ordering.NATURAL, PermutationMode.REVERSE, true, true,
                        false)),
                Arguments.of(spec(FlowType.REALNVP, 4, 1, Ordering.NATURAL, PermutationMode.NONE, false, true, true)),
                Arguments.of(spec(FlowType.MAF_MOG, 3, 0, Ordering.NATURAL, PermutationMode.NONE, true, false, false)),
                Arguments.of(spec(FlowType.MAF_MOG, 4, 3, Ordering.NATURAL, PermutationMode.NONE, true, false, false)),
                Arguments.of(spec(FlowType.MAF_MOG, 2, 2, Ordering.NATURAL, PermutationMode.NONE, false, false, false)),
                Arguments.of(spec(FlowType.MAF_MOG, 5, 2, Ordering.ALTERNATING, PermutationMode.REVERSE, true, true,
                        false)));
    }

    static FlowSpec spec(FlowType type, int d, int c, Ordering ordering, PermutationMode perm, boolean actNorm,
                         boolean lu, boolean additive) {
        return new FlowSpec(type, d, c, 3, new int[] {16, 12}, actNorm, lu, perm, ordering, additive, 2.0, 7L);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void graphLogProbEqualsKernel(FlowSpec spec) {
        Random rng = new Random(11);
        FlowParameters params = perturbed(spec, rng);
        int n = 64;
        double[][] u = gaussianRows(n, spec.dim(), 1.5, rng);
        double[][] ctx = spec.contextDim() > 0 ? gaussianRows(n, spec.contextDim(), 1.0, rng) : null;

        Flow flow = FlowBuilder.build(spec, params);
        double[] expected = flow.logProb(u, ctx);
        double[] actual;
        try (FlowGraph graph = FlowGraph.build(spec, params)) {
            actual = graph.logProb(u, ctx);
        }
        double spread = 0;
        for (int i = 0; i < n; i++) {
            double tol = 1e-4 * (1 + Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, "record " + i + " of " + spec);
            spread = Math.max(spread, Math.abs(expected[i] - expected[0]));
        }
        // guard against a degenerate comparison (e.g. both sides constant)
        assertTrue(spread > 0.5, "test inputs should give varied densities, spread " + spread);
    }

    @Test
    void parametersRoundTripThroughTheGraph() {
        FlowSpec spec = spec(FlowType.MAF, 4, 2, Ordering.RANDOM, PermutationMode.RANDOM, true, true, false);
        FlowParameters params = perturbed(spec, new Random(3));
        try (FlowGraph graph = FlowGraph.build(spec, params)) {
            FlowParameters back = graph.parameters();
            assertEquals(params.names(), back.names());
            for (String name : params.names()) {
                assertEquals(params.get(name), back.get(name), name);
            }
        }
    }

    /** Initial parameters plus sizeable noise on every trainable tensor (structure tensors untouched). */
    static FlowParameters perturbed(FlowSpec spec, Random rng) {
        FlowParameters p = ParameterInitializer.initialize(spec, rng);
        FlowParameters out = new FlowParameters();
        for (Map.Entry<String, Tensor> e : p.asMap().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.endsWith(".perm") || name.endsWith(".degrees")) {
                out.put(name, t);
                continue;
            }
            double std = name.contains(".ar.w") && !name.contains("wout") ? 0.2 : 0.4;
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (std * rng.nextGaussian());
                if (name.contains(".ar.wout") || name.contains(".ar.vout")) {
                    v[i] *= 0.5f;
                }
            }
            out.put(name, new Tensor(t.shape(), v));
        }
        return out;
    }

    static double[][] gaussianRows(int n, int d, double std, Random rng) {
        double[][] r = new double[n][d];
        for (double[] row : r) {
            for (int j = 0; j < d; j++) {
                row[j] = std * rng.nextGaussian();
            }
        }
        return r;
    }
}
