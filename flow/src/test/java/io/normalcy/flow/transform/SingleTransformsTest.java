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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SingleTransformsTest {

    static Stream<Arguments> dims() {
        List<Arguments> a = new ArrayList<>();
        for (int d = 3; d <= 6; d++) {
            a.add(Arguments.of(d, 0));
            a.add(Arguments.of(d, 3));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "D={0} C={1}")
    @MethodSource("dims")
    void actNorm(int d, int c) {
        Random rng = new Random(11L * d + c);
        ActNorm t = new ActNorm(randomVector(d, rng, 0.7), randomVector(d, rng, 1.0));
        runContract(t, c, rng, "ActNorm");
    }

    @ParameterizedTest(name = "D={0} C={1}")
    @MethodSource("dims")
    void luLinear(int d, int c) {
        Random rng = new Random(13L * d + c);
        LuLinear t = new LuLinear(randomVector(d * d, rng, 0.6), randomVector(d * d, rng, 0.6),
                randomVector(d, rng, 0.4), randomVector(d, rng, 1.0));
        runContract(t, c, rng, "LuLinear");
    }

    @ParameterizedTest(name = "D={0} C={1}")
    @MethodSource("dims")
    void permutation(int d, int c) {
        Random rng = new Random(17L * d + c);
        int[] p = new int[d];
        for (int i = 0; i < d; i++) {
            p[i] = (i + 2) % d;
        }
        runContract(new Permutation(p), c, rng, "Permutation");
    }

    @ParameterizedTest(name = "D={0} C={1}")
    @MethodSource("dims")
    void mafNaturalRandomOrderCouplingAndAdditive(int d, int c) {
        Random rng = new Random(19L * d + c);
        for (FlowSpec spec : List.of(
                spec(FlowType.MAF, d, c, Ordering.NATURAL, false, new int[] {16}),
                spec(FlowType.MAF, d, c, Ordering.RANDOM, false, new int[] {12, 10}),
                spec(FlowType.REALNVP, d, c, Ordering.NATURAL, false, new int[] {16}),
                spec(FlowType.MAF, d, c, Ordering.NATURAL, true, new int[] {16}))) {
            FlowParameters params = FlowTestSupport.randomParameters(spec, rng.nextLong(), 0.5);
            for (int k = 0; k < 2; k++) {
                List<Transform> parts = FlowBuilder.blockParts(spec, params, k);
                Transform maf = parts.get(parts.size() - 1);
                runContract(maf, c, rng, "MaskedAffine " + spec.type() + "/" + spec.ordering()
                        + (spec.additive() ? "/additive" : "") + " block " + k);
            }
        }
    }

    @Test
    void additiveVariantIsVolumePreserving() {
        FlowSpec spec = spec(FlowType.MAF, 4, 3, Ordering.NATURAL, true, new int[] {8});
        FlowParameters params = FlowTestSupport.randomParameters(spec, 5, 0.5);
        List<Transform> parts = FlowBuilder.blockParts(spec, params, 0);
        Transform maf = parts.get(parts.size() - 1);
        Random rng = new Random(3);
        double[] z = new double[4];
        assertEquals(0.0, maf.forward(randomVector(4, rng, 1), randomVector(3, rng, 1), z, null), 0.0);
    }

    @Test
    void permutationPermutesValuesAndPerDimTerms() {
        Permutation p = new Permutation(new int[] {2, 0, 1});
        double[] out = new double[3];
        double[] perDim = {10, 20, 30};
        p.forward(new double[] {1, 2, 3}, new double[0], out, perDim);
        assertArrayEquals(new double[] {3, 1, 2}, out);
        assertArrayEquals(new double[] {30, 10, 20}, perDim);
        assertThrows(IllegalArgumentException.class, () -> new Permutation(new int[] {0, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Permutation(new int[] {0, 3, 1}));
    }

    private static void runContract(Transform t, int c, Random rng, String label) {
        int d = t.dim();
        double[] ctx = randomVector(c, rng, 1.0);
        for (int rep = 0; rep < 5; rep++) {
            checkContract(t, randomVector(d, rng, 1.5), ctx, label + " rep " + rep);
        }
        checkLargeInputs(t, ctx, rng, label);
    }

    static FlowSpec spec(FlowType type, int d, int c, Ordering ordering, boolean additive, int[] hidden) {
        return new FlowSpec(type, d, c, 2, hidden, true, false, PermutationMode.NONE, ordering, additive, 3.0, 7L);
    }
}
