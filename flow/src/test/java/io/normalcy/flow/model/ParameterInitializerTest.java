package io.normalcy.flow.model;

import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.MadeMasks;
import io.normalcy.flow.transform.StandardNormal;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterInitializerTest {
    private final FlowSpec spec = new FlowSpec(FlowType.MAF, 6, 3, 3, new int[] {200, 100}, true, true,
            PermutationMode.RANDOM, Ordering.NATURAL, false, 3, 9L);
    private final FlowParameters p = ParameterInitializer.initialize(spec, new Random(1));

    @Test
    void producesExactlyTheExpectedTensors() {
        Map<String, int[]> expected = spec.expectedShapes();
        assertEquals(expected.keySet(), p.names());
        expected.forEach((name, shape) -> assertArrayEquals(shape, p.get(name).shape(), name));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, p.get("b1.ar.degrees").data());
        int[] perm = spec.permutation(2);
        for (int i = 0; i < 6; i++) {
            assertEquals(perm[i], p.get("b2.perm").data()[i]);
        }
    }

    @Test
    void maskedWeightsAreZeroAndHiddenWeightsAreHeScaled() {
        int[] deg = spec.degrees(0);
        int[] h0 = MadeMasks.hiddenDegrees(deg, 200);
        float[] mask = MadeMasks.inputMask(deg, h0);
        float[] w = p.get("b0.ar.w0").data();
        double sq = 0;
        int n = 0;
        for (int i = 0; i < w.length; i++) {
            if (mask[i] == 0) {
                assertEquals(0f, w[i], "masked entry " + i);
            } else {
                sq += w[i] * w[i];
                n++;
            }
        }
        assertEquals(2.0 / (6 + 3), sq / n, 0.2 * 2.0 / 9);
        float[] outMask = MadeMasks.outputMask(deg, MadeMasks.hiddenDegrees(deg, 100));
        float[] wout = p.get("b0.ar.wout").data();
        for (int i = 0; i < wout.length; i++) {
            if (outMask[i] == 0) {
                assertEquals(0f, wout[i]);
            }
            assertTrue(Math.abs(wout[i]) < 0.1);
        }
    }

    @Test
    void initialFlowIsCloseToTheStandardNormal() {
        Flow flow = FlowBuilder.build(spec, p);
        Random rng = new Random(3);
        StandardNormal base = new StandardNormal(6);
        for (int rep = 0; rep < 20; rep++) {
            double[] u = new double[6];
            double[] c = new double[3];
            for (int i = 0; i < 6; i++) {
                u[i] = rng.nextGaussian();
            }
            for (int i = 0; i < 3; i++) {
                c[i] = rng.nextGaussian();
            }
            // N(0, I) is permutation invariant; near-identity blocks move each of the 6 terms only a little
            assertEquals(base.logProb(u), flow.logProb(u, c), 1.5);
        }
    }
}
