package io.normalcy.bench.sizing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generator's log-density is a normalised density of the rows it draws. */
class KnownDensityTableTest {

    @Test
    void densityIntegratesToOneInTwoDimensions() {
        KnownDensityTable t = new KnownDensityTable(2, 5);
        double step = 0.02;
        double sum = 0;
        for (double x0 = -6; x0 <= 6; x0 += step) {
            for (double x1 = -8; x1 <= 8; x1 += step) {
                sum += Math.exp(t.logDensity(new double[] {x0, x1})) * step * step;
            }
        }
        assertEquals(1.0, sum, 2e-3);
    }

    @Test
    void meanLogDensityOfSamplesMatchesTheMonteCarloEntropyOfTheFirstFeature() {
        // x0 alone: E[log p(x0)] of the two well-separated modes is log ½ − ½ log(2πe·0.25)
        KnownDensityTable t = new KnownDensityTable(1, 1);
        double[][] x = t.sample(200_000, new Random(9));
        double mean = 0;
        for (double[] row : x) {
            mean += t.logDensity(row) / x.length;
        }
        assertEquals(Math.log(0.5) - 0.5 * Math.log(2 * Math.PI * Math.E * 0.25), mean, 0.01);
    }

    @Test
    void coefficientsDependOnlyOnWidthAndSeed() {
        double[] a = new KnownDensityTable(8, 3).sample(1, new Random(1))[0];
        double[] b = new KnownDensityTable(8, 3).sample(1, new Random(1))[0];
        assertArrayEquals(a, b);
    }
}
