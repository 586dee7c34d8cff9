package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GpdFitterTest {

    private static double[] sample(GeneralizedPareto g, int n, long seed) {
        Random rng = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = g.sample(rng);
        }
        return y;
    }

    @Test
    void survivalAndQuantileAreInverse() {
        for (GeneralizedPareto g : new GeneralizedPareto[] {new GeneralizedPareto(0.3, 2),
                new GeneralizedPareto(-0.3, 2), GeneralizedPareto.exponential(1.5)}) {
            for (double p : new double[] {1, 0.5, 0.1, 1e-3, 1e-6}) {
                assertEquals(1, g.survival(g.quantileOfSurvival(p)) / p, 1e-9, g + " at " + p);
            }
            assertEquals(1, g.survival(-1));
        }
        // exponential: S(y) = exp(-y / sigma)
        assertEquals(Math.exp(-2), GeneralizedPareto.exponential(1.5).survival(3), 1e-15);
        // a negative shape has a finite end point sigma / |xi|
        GeneralizedPareto bounded = new GeneralizedPareto(-0.5, 2);
        assertEquals(0, bounded.survival(4.0001));
        assertTrue(bounded.survival(3.9) > 0);
        assertEquals(Double.NEGATIVE_INFINITY, bounded.logLikelihood(new double[] {1, 5}));
        assertThrows(IllegalArgumentException.class, () -> new GeneralizedPareto(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GeneralizedPareto(Double.NaN, 1));
    }

    @Test
    void maximumLikelihoodRecoversKnownParameters() {
        // 20,000 exceedances: the asymptotic sd of the ML shape is about (1 + xi) / sqrt(k) < 0.01
        double[][] cases = {{0.25, 2.0}, {0.0, 1.0}, {-0.2, 0.5}};
        for (double[] c : cases) {
            GeneralizedPareto truth = new GeneralizedPareto(c[0], c[1]);
            GeneralizedPareto fit = GpdFitter.maximumLikelihood().fit(sample(truth, 20_000, 5));
            assertEquals(c[0], fit.shape(), 0.04, "shape of " + truth + ", fitted " + fit);
            assertEquals(c[1], fit.scale(), 0.05 * c[1], "scale of " + truth + ", fitted " + fit);
        }
    }

    @Test
    void rareQuantileBeyondTheDataIsAccurate() {
        // the point exceeded by 1 % of the exceedances, from 300 of them (3 points beyond it), 40 seeds: root mean
        // square of log(true rate / 0.01), against that of the empirical quantile
        GeneralizedPareto truth = new GeneralizedPareto(0.1, 1);
        double fittedSq = 0;
        double empiricalSq = 0;
        int seeds = 40;
        for (long seed = 0; seed < seeds; seed++) {
            double[] y = sample(truth, 300, seed);
            GeneralizedPareto fit = new GpdFitter(ThresholdCalibrator.SHAPE_PRIOR_SD).fit(y);
            double fitted = Math.log(truth.survival(fit.quantileOfSurvival(0.01)) / 0.01);
            java.util.Arrays.sort(y);
            double empirical = Math.log(truth.survival(ThresholdCalibrator.quantile(y, 0.99)) / 0.01);
            fittedSq += fitted * fitted;
            empiricalSq += empirical * empirical;
        }
        double fittedRms = Math.sqrt(fittedSq / seeds);
        double empiricalRms = Math.sqrt(empiricalSq / seeds);
        assertTrue(fittedRms < 0.8 * empiricalRms, "fitted " + fittedRms + " vs empirical " + empiricalRms);
    }

    @Test
    void shrinkageAndDegenerateInputFallBackToTheExponential() {
        double[] y = sample(new GeneralizedPareto(0.4, 1), 200, 3);
        double mean = java.util.Arrays.stream(y).average().orElseThrow();
        GeneralizedPareto exp = new GpdFitter(0).fit(y);
        assertEquals(0, exp.shape());
        assertEquals(mean, exp.scale(), 1e-12);
        // a tight prior pulls the shape towards 0, a loose one leaves it near the ML estimate
        double free = GpdFitter.maximumLikelihood().fit(y).shape();
        double shrunk = new GpdFitter(0.05).fit(y).shape();
        assertTrue(free > 0.2, "ML shape " + free);
        assertTrue(Math.abs(shrunk) < free / 2, "shrunk shape " + shrunk + " vs ML " + free);
        // too few or all-equal exceedances: the exponential ML estimate
        assertEquals(0, GpdFitter.maximumLikelihood().fit(new double[] {1, 2, 3}).shape());
        assertEquals(new GeneralizedPareto(0, 2), GpdFitter.maximumLikelihood().fit(new double[] {2, 2, 2, 2, 2, 2,
                2, 2, 2, 2, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> GpdFitter.maximumLikelihood().fit(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> GpdFitter.maximumLikelihood().fit(new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> GpdFitter.maximumLikelihood().fit(new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> new GpdFitter(-1));
    }

    @Test
    void shapeStaysInItsRange() {
        // uniform exceedances are a GPD with xi = -1, outside the allowed range: the fit stops at the bound
        Random rng = new Random(9);
        double[] y = new double[2000];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextDouble();
        }
        GeneralizedPareto fit = GpdFitter.maximumLikelihood().fit(y);
        assertEquals(GpdFitter.MIN_SHAPE, fit.shape(), 1e-6);
        assertTrue(Double.isFinite(fit.logLikelihood(y)));
    }
}
