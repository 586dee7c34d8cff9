package io.normalcy.flow.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TensorAndParametersTest {

    @Test
    void tensorChecksShapeAgainstData() {
        assertEquals("tensor shape [2, 3] needs 6 values but data has 5",
                assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {2, 3}, new float[5])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {-1}, new float[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new int[] {65536, 65536, 2}, new float[0]));
        assertEquals("tensor shape [65536, 65536, 2] is too large", e.getMessage());
        Tensor t = new Tensor(new int[] {2, 0}, new float[0]);
        assertEquals(0, t.size());
        assertEquals(new Tensor(new int[] {1}, new float[] {1f}), Tensor.of(new int[] {1}, new double[] {1.0}));
    }

    @Test
    void requireNamesTheTensorAndBothShapes() {
        FlowParameters p = new FlowParameters().put("b0.ar.w0", Tensor.zeros(4, 3));
        assertSame(p.get("b0.ar.w0"), p.require("b0.ar.w0", 4, 3));
        assertEquals("tensor 'b0.ar.w0' has shape [4, 3] but [3, 4] is expected",
                assertThrows(IllegalArgumentException.class, () -> p.require("b0.ar.w0", 3, 4)).getMessage());
        assertEquals("missing tensor 'b0.ar.b0' (expected shape [4])",
                assertThrows(IllegalArgumentException.class, () -> p.require("b0.ar.b0", 4)).getMessage());
    }

    @Test
    void checkFiniteNamesTheTensorAndKeepsOrder() {
        FlowParameters p = new FlowParameters().put("z", Tensor.zeros(2)).put("a", Tensor.zeros(3));
        p.checkFinite();
        assertEquals(List.of("z", "a"), List.copyOf(p.names()));
        p.get("a").data()[2] = Float.NaN;
        assertEquals("tensor 'a' has non-finite value NaN at flat index 2",
                assertThrows(IllegalArgumentException.class, p::checkFinite).getMessage());
        FlowParameters c = p.copy();
        c.get("z").data()[0] = 5;
        assertEquals(0f, p.get("z").data()[0]);
        assertEquals(5, c.parameterCount());
    }
}
