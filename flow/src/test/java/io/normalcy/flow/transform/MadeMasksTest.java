package io.normalcy.flow.transform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MadeMasksTest {

    @Test
    void hiddenDegreesFollowTheContractFormula() {
        assertArrayEquals(new int[] {1, 2, 1, 2, 1}, MadeMasks.hiddenDegrees(new int[] {1, 2, 3}, 5));
        assertArrayEquals(new int[] {2, 3, 2, 3}, MadeMasks.hiddenDegrees(new int[] {4, 2, 3}, 4));
        assertArrayEquals(new int[] {1, 1, 1}, MadeMasks.hiddenDegrees(new int[] {1, 1}, 3));
    }

    /** Through two hidden layers, output o reaches input i iff deg[i] &lt; deg[o] (given enough units). */
    @Test
    void pathsConnectExactlyTheLowerDegreeInputs() {
        int[] deg = {3, 1, 4, 2, 5};
        int d = deg.length;
        int h = 12;
        int[] hd = MadeMasks.hiddenDegrees(deg, h);
        float[] m0 = MadeMasks.inputMask(deg, hd);
        float[] m1 = MadeMasks.hiddenMask(hd, hd);
        float[] mo = MadeMasks.outputMask(deg, hd);
        for (int o = 0; o < 2 * d; o++) {
            for (int i = 0; i < d; i++) {
                double paths = 0;
                for (int a = 0; a < h; a++) {
                    for (int b = 0; b < h; b++) {
                        paths += mo[o * h + a] * m1[a * h + b] * m0[b * d + i];
                    }
                }
                boolean allowed = deg[i] < deg[o % d];
                assertEquals(allowed, paths > 0, "output " + o + " ← input " + i);
            }
        }
    }
}
