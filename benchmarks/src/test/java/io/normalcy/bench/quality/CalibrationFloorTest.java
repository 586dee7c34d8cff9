package io.normalcy.bench.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.fit.CalibrationRows;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The floor calibrates on the rows the product names ({@link CalibrationRows#indices}), not on a copy of its split. */
class CalibrationFloorTest {
    private static final int N = 40_000;

    @Test
    void byDefaultItCalibratesOnTheRowsEveryFlowVariantCalibratesOn() {
        QualityOptions o = QualityOptions.parse("--seed", "7");
        int[] rows = CalibrationFloor.calibrationRows(N, o, Double.NaN);
        for (FlowMethod.Variant v : FlowMethod.Variant.values()) {
            assertArrayEquals(CalibrationRows.indices(N, FlowMethod.config(v, o)), rows, v.label);
        }
        assertEquals(10_000 + 4_000, rows.length, "25 % held out, 0.1 / 0.75 of the 30,000 trainer rows validate");
        assertTrue(!Arrays.equals(rows, CalibrationFloor.calibrationRows(N, QualityOptions.parse("--seed", "8"),
                Double.NaN)), "seeded like the flows");
    }

    @Test
    void holdOutFractionTakesTheHoldOutAloneOfTheSameShuffle() {
        QualityOptions o = QualityOptions.parse("--seed", "7");
        int[] flows = CalibrationFloor.calibrationRows(N, o, Double.NaN);
        int[] quarter = CalibrationFloor.calibrationRows(N, o, 0.25);
        assertArrayEquals(Arrays.copyOf(flows, 10_000), quarter, "0.25: the flows' hold-out alone");

        int[] larger = CalibrationFloor.calibrationRows(N, o, 0.35);
        assertEquals(14_000, larger.length);
        Set<Integer> l = Arrays.stream(larger).boxed().collect(Collectors.toSet());
        assertTrue(Arrays.stream(quarter).allMatch(l::contains), "a larger F contains the hold-out");
    }

    @Test
    void aHoldOutOutsideZeroToOneStopsBeforeAnyWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationFloor.main(new String[] {"--hold-out", "1.5"}));
        assertEquals("--hold-out must be in (0, 1), got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CalibrationFloor.main(new String[] {"--hold-out", "x"}));
    }
}
