package io.normalcy.flow.transform;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.normalcy.flow.transform.FlowTestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A correct log-det makes the density integrate to 1; a wrong one (almost surely) does not. */
class DensityIntegrationTest {

    @Test
    void oneDimensionalConditionalFlowIntegratesToOne() {
        integrate1d(new FlowSpec(FlowType.MAF, 1, 3, 3, new int[] {8}, true, true, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 1L));
    }

    @Test
    void oneDimensionalMixtureFlowIntegratesToOne() {
        integrate1d(new FlowSpec(FlowType.MAF_MOG, 1, 3, 2, new int[] {8}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 1L, 4));
    }

    private static void integrate1d(FlowSpec spec) {
        Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, 77, 0.5));
        Random rng = new Random(3);
        for (int rep = 0; rep < 3; rep++) {
            double[] ctx = randomVector(3, rng, 1);
            double step = 0.002;
            double sum = 0;
            double[] u = new double[1];
            for (double t = -40; t <= 40; t += step) {
                u[0] = t;
                sum += Math.exp(flow.logProb(u, ctx)) * step;
            }
            assertEquals(1.0, sum, 0.01);
        }
    }

    @Test
    void twoDimensionalMafIntegratesToOne() {
        FlowSpec spec = new FlowSpec(FlowType.MAF, 2, 3, 3, new int[] {16}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 1L);
        assertEquals(1.0, integrate2d(spec, 11), 0.01);
    }

    @Test
    void twoDimensionalMixtureFlowIntegratesToOne() {
        FlowSpec spec = new FlowSpec(FlowType.MAF_MOG, 2, 3, 2, new int[] {16}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 3L, 5);
        assertEquals(1.0, integrate2d(spec, 13), 0.01);
    }

    @Test
    void twoDimensionalRealNvpIntegratesToOne() {
        FlowSpec spec = new FlowSpec(FlowType.REALNVP, 2, 3, 2, new int[] {16}, true, true, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 2L);
        assertEquals(1.0, integrate2d(spec, 12), 0.01);
    }

    private static double integrate2d(FlowSpec spec, long seed) {
        FlowParameters p = FlowTestSupport.randomParameters(spec, seed, 0.6);
        Flow flow = FlowBuilder.build(spec, p);
        double[] ctx = randomVector(spec.contextDim(), new Random(seed), 1);
        double step = 0.04;
        double sum = 0;
        double[] u = new double[2];
        int n = (int) Math.round(24 / step);
        for (int a = 0; a <= n; a++) {
            u[0] = -12 + a * step;
            for (int b = 0; b <= n; b++) {
                u[1] = -12 + b * step;
                sum += Math.exp(flow.logProb(u, ctx));
            }
        }
        return sum * step * step;
    }
}
