package io.normalcy.flow.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowSpecTest {

    private static FlowSpec spec(FlowType t, int d, int c, int k, int[] h, PermutationMode p, Ordering o, double clamp) {
        return new FlowSpec(t, d, c, k, h, true, true, p, o, false, clamp, 1L);
    }

    @Test
    void validationNamesTheField() {
        assertMessage("FlowSpec.dim", () -> spec(FlowType.MAF, 0, 0, 1, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.contextDim", () -> spec(FlowType.MAF, 2, -1, 1, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.blocks", () -> spec(FlowType.MAF, 2, 0, 0, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.hidden", () -> spec(FlowType.MAF, 2, 0, 1, new int[] {}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.hidden", () -> spec(FlowType.MAF, 2, 0, 1, new int[] {4, 0}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.scaleClamp", () -> spec(FlowType.MAF, 2, 0, 1, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, Double.NaN));
        assertMessage("FlowSpec.type", () -> spec(null, 2, 0, 1, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.permutation", () -> spec(FlowType.MAF, 2, 0, 1, new int[] {4}, null, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.ordering", () -> spec(FlowType.MAF, 2, 0, 1, new int[] {4}, PermutationMode.NONE, null, 3));
        assertMessage("FlowSpec.dim", () -> spec(FlowType.MAF, FlowSpec.MAX_DIM + 1, 0, 1, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3));
        assertMessage("FlowSpec.components", () -> new FlowSpec(FlowType.MAF_MOG, 2, 0, 1, new int[] {4}, true,
                false, PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 1L, 0));
        assertMessage("FlowSpec.components", () -> new FlowSpec(FlowType.MAF, 2, 0, 1, new int[] {4}, true,
                false, PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 1L, 2));
        assertMessage("FlowSpec.components", () -> new FlowSpec(FlowType.MAF_MOG, 2, 0, 1, new int[] {4}, true,
                false, PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 1L, FlowSpec.MAX_COMPONENTS + 1));
    }

    @Test
    void hiddenArrayIsCopiedAndEqualityIsByValue() {
        int[] h = {8, 8};
        FlowSpec a = FlowSpec.maf(3, 1, 2, h);
        h[0] = 99;
        assertArrayEquals(new int[] {8, 8}, a.hidden());
        assertEquals(a, FlowSpec.maf(3, 1, 2, 8, 8));
        assertEquals(a.hashCode(), FlowSpec.maf(3, 1, 2, 8, 8).hashCode());
        assertNotEquals(a, a.withSeed(7));
    }

    @Test
    void expectedShapesListEveryTensorInCanonicalOrder() {
        FlowSpec s = new FlowSpec(FlowType.MAF, 3, 2, 1, new int[] {5, 4}, true, true, PermutationMode.REVERSE,
                Ordering.NATURAL, false, 3, 1L);
        Map<String, int[]> m = s.expectedShapes();
        assertEquals(List.of("b0.actnorm.scale", "b0.actnorm.bias", "b0.lu.lower", "b0.lu.upper", "b0.lu.logdiag",
                "b0.lu.bias", "b0.perm", "b0.ar.degrees", "b0.ar.w0", "b0.ar.v0", "b0.ar.b0", "b0.ar.w1", "b0.ar.v1",
                "b0.ar.b1", "b0.ar.wout", "b0.ar.vout", "b0.ar.bout"), List.copyOf(m.keySet()));
        assertArrayEquals(new int[] {3, 3}, m.get("b0.lu.lower"));
        assertArrayEquals(new int[] {5, 3}, m.get("b0.ar.w0"));
        assertArrayEquals(new int[] {5, 2}, m.get("b0.ar.v0"));
        assertArrayEquals(new int[] {4, 5}, m.get("b0.ar.w1"));
        assertArrayEquals(new int[] {6, 4}, m.get("b0.ar.wout"));
        assertArrayEquals(new int[] {6, 2}, m.get("b0.ar.vout"));
        assertArrayEquals(new int[] {6}, m.get("b0.ar.bout"));
        FlowSpec noCtx = FlowSpec.maf(3, 0, 2, 5);
        assertTrue(noCtx.expectedShapes().keySet().stream().noneMatch(n -> n.contains(".ar.v")));
        assertEquals(2 * (2 + 1 + 2 + 2), noCtx.expectedShapes().size());
    }

    @Test
    void degreesFollowTheContract() {
        FlowSpec nvp = spec(FlowType.REALNVP, 5, 0, 2, new int[] {4}, PermutationMode.NONE, Ordering.NATURAL, 3);
        assertArrayEquals(new int[] {1, 2, 1, 2, 1}, nvp.degrees(0));
        assertArrayEquals(new int[] {2, 1, 2, 1, 2}, nvp.degrees(1));
        FlowSpec alt = spec(FlowType.MAF, 4, 0, 2, new int[] {4}, PermutationMode.NONE, Ordering.ALTERNATING, 3);
        assertArrayEquals(new int[] {1, 2, 3, 4}, alt.degrees(0));
        assertArrayEquals(new int[] {4, 3, 2, 1}, alt.degrees(1));
        FlowSpec rnd = spec(FlowType.MAF, 8, 0, 2, new int[] {4}, PermutationMode.RANDOM, Ordering.RANDOM, 3);
        int[] d0 = rnd.degrees(0);
        int[] sorted = d0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, sorted);
        assertArrayEquals(d0, rnd.degrees(0), "deterministic for a seed");
        int[] p = rnd.permutation(1);
        int[] ps = p.clone();
        Arrays.sort(ps);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, ps);
        assertArrayEquals(new int[] {3, 2, 1, 0},
                spec(FlowType.MAF, 4, 0, 1, new int[] {4}, PermutationMode.REVERSE, Ordering.NATURAL, 3).permutation(0));
        assertNull(FlowSpec.maf(4, 0, 1, 4).permutation(0));
        assertThrows(IllegalArgumentException.class, () -> nvp.degrees(2));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
