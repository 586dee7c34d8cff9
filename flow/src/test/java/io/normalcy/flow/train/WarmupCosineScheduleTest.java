package io.normalcy.flow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupCosineScheduleTest {

    @Test
    void warmsUpLinearlyThenDecaysByCosineToTheFloor() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(1e-2, 10, 110, 0.01);
        assertEquals(1e-2 / 11, s.valueAt(0, 0), 1e-12);
        assertTrue(s.valueAt(5, 0) < s.valueAt(9, 0));
        assertEquals(1e-2, s.valueAt(10, 0), 1e-12, "peak right after warm-up");
        // halfway through the decay: floor + (peak − floor)/2
        assertEquals(1e-4 + (1e-2 - 1e-4) / 2, s.valueAt(60, 0), 1e-12);
        assertEquals(1e-4, s.valueAt(110, 3), 1e-12);
        assertEquals(1e-4, s.valueAt(500, 9), 1e-12, "stays at the floor past the planned steps");
        for (int i = 11; i < 110; i++) {
            assertTrue(s.valueAt(i, 0) <= s.valueAt(i - 1, 0), "monotone decay at " + i);
        }
        assertEquals(s.valueAt(37, 0), s.clone().valueAt(37, 0));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0, 1, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(1e-3, 1, 10, 2));
    }
}
