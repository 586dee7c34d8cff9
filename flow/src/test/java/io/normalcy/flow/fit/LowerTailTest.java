package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

class LowerTailTest {
    private static final int DIM = 6;
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final ChiSquaredDistribution CHI2 = new ChiSquaredDistribution(null, DIM);
    private static final GpdFitter FITTER = new GpdFitter(ThresholdCalibrator.SHAPE_PRIOR_SD);

    /** Log-densities of n draws of a standard 6-dimensional Gaussian under its own density: −½χ²₆ − 3·log 2π. */
    static double[] gaussianLogDensities(int n, Random rng) {
        double[] ld = new double[n];
        for (int i = 0; i < n; i++) {
            double r2 = 0;
            for (int d = 0; d < DIM; d++) {
                double z = rng.nextGaussian();
                r2 += z * z;
            }
            ld[i] = -0.5 * r2 - 0.5 * DIM * LOG_2PI;
        }
        return ld;
    }

    /** Exact P(ℓ ≤ t) for those log-densities. */
    static double exactRate(double t) {
        return 1 - CHI2.cumulativeProbability(-2 * t - DIM * LOG_2PI);
    }

    @Test
    void pValueIsTheInverseOfQuantileAndMonotone() {
        LowerTail tail = LowerTail.fit(gaussianLogDensities(5000, new Random(1)), FITTER);
        assertEquals(500, tail.exceedances());
        assertEquals(500.0 / 4999, tail.tailWeight(), 1e-15);
        for (double q : new double[] {0.5, 0.2, 0.1, 0.05, 0.01, 0.001, 1e-6}) {
            assertEquals(q, tail.pValue(tail.quantile(q)), 1e-9 * Math.max(q, 1e-3), "at q = " + q);
        }
        // continuous at the tail threshold u, where the empirical part meets the GPD
        double u = tail.tailThreshold();
        assertEquals(tail.tailWeight(), tail.pValue(u), 1e-12);
        assertEquals(tail.tailWeight(), tail.pValue(Math.nextDown(u)), 1e-9);
        double previous = 0;
        for (double ld = -40; ld < 0; ld += 0.01) {
            double p = tail.pValue(ld);
            assertTrue(p >= previous && p <= 1, "pValue not monotone at " + ld + ": " + p + " < " + previous);
            previous = p;
        }
        assertEquals(1, tail.pValue(0));
        assertTrue(Double.isNaN(tail.pValue(Double.NaN)));
    }

    @Test
    void rareThresholdsOfAKnownDistributionLandAtTheirLevel() {
        // 20,000 held-out rows: the 0.001 threshold rests on k = 1,000 exceedances below the 5% quantile
        LowerTail tail = LowerTail.fit(gaussianLogDensities(20_000, new Random(2)), FITTER);
        for (double q : new double[] {0.01, 0.001, 1e-4}) {
            double ratio = exactRate(tail.quantile(q)) / q;
            assertTrue(ratio > 0.8 && ratio < 1.25, "rate at the " + q + " threshold is x" + ratio + " of the level");
        }
    }

    @Test
    void fittedTailIsMoreAccurateThanTheEmpiricalQuantileAtARareLevel() {
        // 2,000 held-out rows and q = 0.001: the empirical quantile rests on 2 points, the tail on 200 exceedances.
        // Root mean square of log(rate / q) over 40 seeds, rates exact.
        double q = 0.001;
        double tailSq = 0;
        double empiricalSq = 0;
        int seeds = 40;
        for (int s = 0; s < seeds; s++) {
            double[] ld = gaussianLogDensities(2000, new Random(100 + s));
            double fitted = Math.log(exactRate(LowerTail.fit(ld, FITTER).quantile(q)) / q);
            Arrays.sort(ld);
            double empirical = Math.log(exactRate(ThresholdCalibrator.quantile(ld, q)) / q);
            tailSq += fitted * fitted;
            empiricalSq += empirical * empirical;
        }
        double tailRms = Math.sqrt(tailSq / seeds);
        double empiricalRms = Math.sqrt(empiricalSq / seeds);
        assertTrue(tailRms < 0.45, "fitted tail: rms log rate ratio " + tailRms);
        assertTrue(tailRms < 0.75 * empiricalRms, "fitted " + tailRms + " vs empirical " + empiricalRms);
    }

    @Test
    void rejectsTooFewOrNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> LowerTail.fit(new double[LowerTail.minRows() - 1], FITTER));
        double[] v = gaussianLogDensities(500, new Random(5));
        v[7] = Double.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> LowerTail.fit(v, FITTER));
        LowerTail tail = LowerTail.fit(gaussianLogDensities(500, new Random(5)), FITTER);
        assertThrows(IllegalArgumentException.class, () -> tail.quantile(0));
    }
}
