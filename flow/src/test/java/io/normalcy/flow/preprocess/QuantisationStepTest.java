package io.normalcy.flow.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantisationStepTest {

    @Test
    void valuesThatNeverRepeatStayContinuous() {
        assertEquals(0.0, QuantisationStep.of(new double[] {0.1234567, 2.5, 3.25}), 0.0);
    }

    @Test
    void decimalGridGivesItsGreatestCommonStep() {
        assertEquals(0.1, QuantisationStep.of(new double[] {20.1, 20.1, 20.2, 19.9}), 1e-15);
        assertEquals(1.0, QuantisationStep.of(new double[] {0, 0, 0, 17, 23}), 0.0);
        assertEquals(10.0, QuantisationStep.of(new double[] {10, 20, 10, 10}), 0.0, "square wave 10/20");
        assertEquals(0.5, QuantisationStep.of(new double[] {0.5, 1.0, 1.0, 2.5}), 1e-15);
    }

    @Test
    void constantGetsItsDecimalResolution() {
        assertEquals(1.0, QuantisationStep.of(new double[] {0, 0, 0}), 0.0);
        assertEquals(1.0, QuantisationStep.of(new double[] {100, 100}), 0.0);
        assertEquals(0.1, QuantisationStep.of(new double[] {2.5, 2.5}), 1e-15);
        assertEquals(1e-6 * Math.PI, QuantisationStep.of(new double[] {Math.PI, Math.PI}), 1e-18);
    }

    @Test
    void repeatsOffAnyDecimalGridUseTheSmallestGapOrAThousandthOfTheSpread() {
        double third = 1.0 / 3;
        assertEquals(third, QuantisationStep.of(new double[] {third, third, 2 * third}), 1e-15);
        double[] v = {0, 0, Math.PI, Math.PI + 1e-9, 2 * Math.PI};
        double mean = (Math.PI * 4 + 1e-9) / 5;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        assertEquals(1e-3 * Math.sqrt(var / 5), QuantisationStep.of(v), 1e-12);
    }
}
