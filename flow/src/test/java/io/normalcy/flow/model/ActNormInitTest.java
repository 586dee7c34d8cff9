package io.normalcy.flow.model;

import io.normalcy.flow.transform.Transform;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActNormInitTest {

    /**
     * A feature constant within the init batch (a square wave, a metric stuck at one level) must not start with
     * Glow's scale 1/(0 + 1e-6): the other level would land a million standard deviations out (issue 13).
     */
    @Test
    void aBatchConstantFeatureStartsWithABoundedScale() {
        FlowSpec spec = new FlowSpec(FlowType.MAF, 2, 0, 2, new int[] {8}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, 3, 3L);
        FlowParameters p = ParameterInitializer.initialize(spec, new Random(4));
        Random rng = new Random(6);
        double[][] u = new double[64][];
        for (int r = 0; r < u.length; r++) {
            u[r] = new double[] {rng.nextGaussian(), -0.2};
        }
        ActNormInit.initialize(spec, p, u, null);
        float s = p.get(io.normalcy.flow.layer.ActNormLayer.scale(0)).data()[1];
        // starts at most 10x wider than the batch's standardisation (Glow's rule gives log(1e6) = 13.8)
        assertTrue(Double.isFinite(s) && s <= Math.log(10) + 1e-6, "scale of the batch-constant feature " + s);
        float[] s1 = p.get(io.normalcy.flow.layer.ActNormLayer.scale(1)).data();
        for (float v : s1) {
            assertTrue(Math.abs(v) <= 3, "block 1 scale " + v);
        }
    }

    @Test
    void everyActNormOutputIsStandardisedOnTheBatch() {
        FlowSpec spec = new FlowSpec(FlowType.REALNVP, 4, 2, 3, new int[] {16}, true, true, PermutationMode.RANDOM,
                Ordering.NATURAL, false, 3, 3L);
        FlowParameters p = ParameterInitializer.initialize(spec, new Random(4));
        Random rng = new Random(5);
        for (String n : p.names()) {
            if (n.contains(".ar.w") || n.contains(".ar.v") || n.contains("lu.lower") || n.contains("lu.upper")) {
                float[] a = p.get(n).data();
                for (int i = 0; i < a.length; i++) {
                    a[i] += (float) (rng.nextGaussian() * 0.3); // non-trivial blocks change the distribution
                }
            }
        }
        int n = 500;
        double[][] u = new double[n][4];
        double[][] c = new double[n][2];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < 4; i++) {
                u[r][i] = 10 + (i + 1) * 3 * rng.nextGaussian() + (i == 2 ? Math.exp(rng.nextGaussian()) : 0);
            }
            c[r][0] = rng.nextGaussian();
            c[r][1] = rng.nextGaussian();
        }
        assertSame(p, ActNormInit.initialize(spec, p, u, c));
        double[][] cur = new double[n][];
        for (int r = 0; r < n; r++) {
            cur[r] = u[r].clone();
        }
        double[] tmp = new double[4];
        for (int k = 0; k < spec.blocks(); k++) {
            List<Transform> parts = FlowBuilder.blockParts(spec, p, k);
            double[][] after = new double[n][4];
            for (int r = 0; r < n; r++) {
                parts.get(0).forward(cur[r], c[r], after[r], null); // the ActNorm
            }
            for (int i = 0; i < 4; i++) {
                double mean = 0;
                double sq = 0;
                for (double[] row : after) {
                    mean += row[i];
                }
                mean /= n;
                for (double[] row : after) {
                    sq += (row[i] - mean) * (row[i] - mean);
                }
                assertEquals(0.0, mean, 1e-4, "block " + k + " dim " + i + " mean");
                assertEquals(1.0, sq / n, 1e-4, "block " + k + " dim " + i + " variance");
            }
            for (int r = 0; r < n; r++) {
                for (Transform t : parts) {
                    t.forward(cur[r], c[r], tmp, null);
                    System.arraycopy(tmp, 0, cur[r], 0, 4);
                }
            }
        }
    }

    @Test
    void rejectsTooSmallOrMismatchedBatches() {
        FlowSpec spec = FlowSpec.maf(2, 1, 1, 4);
        FlowParameters p = ParameterInitializer.initialize(spec, new Random(1));
        assertThrows(IllegalArgumentException.class, () -> ActNormInit.initialize(spec, p, new double[1][2], new double[1][1]));
        assertThrows(IllegalArgumentException.class, () -> ActNormInit.initialize(spec, p, new double[3][2], null));
        assertThrows(IllegalArgumentException.class, () -> ActNormInit.initialize(spec, p, new double[3][3], new double[3][1]));
    }
}
