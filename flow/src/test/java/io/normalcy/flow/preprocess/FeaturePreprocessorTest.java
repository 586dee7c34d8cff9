package io.normalcy.flow.preprocess;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeaturePreprocessorTest {
    private static final List<String> NAMES = List.of("latency", "count", "temp");

    /** latency: skewed, non-negative; count: integer; temp: symmetric, negative values. */
    private static double[][] trainingRows(int n, long seed) {
        Random rng = new Random(seed);
        double[][] rows = new double[n][];
        for (int r = 0; r < n; r++) {
            rows[r] = new double[] {Math.exp(rng.nextGaussian() * 1.2 + 2), rng.nextInt(20), rng.nextGaussian() * 5 - 3};
        }
        return rows;
    }

    private final FeaturePreprocessor pre = FeaturePreprocessor.fit(trainingRows(2000, 1), NAMES,
            new boolean[] {false, true, false}, new Log1pMode[] {Log1pMode.AUTO, Log1pMode.ALWAYS, Log1pMode.AUTO});

    @Test
    void fitChoosesTransformsAndStatistics() {
        List<FeaturePreprocessor.Feature> f = pre.features();
        assertTrue(f.get(0).log1p(), "skewed non-negative feature gets log1p");
        assertFalse(f.get(2).log1p(), "feature with negative values never gets log1p under AUTO");
        assertTrue(f.get(1).dequantize());
        double[][] rows = trainingRows(2000, 1);
        double mean = 0;
        for (double[] r : rows) {
            mean += Math.log1p(r[0]);
        }
        mean /= rows.length;
        double var = 0;
        for (double[] r : rows) {
            var += Math.pow(Math.log1p(r[0]) - mean, 2);
        }
        assertEquals(mean, f.get(0).mean(), 1e-9);
        assertEquals(Math.sqrt(var / rows.length), f.get(0).std(), 1e-9);
        double m2 = 0;
        for (double[] r : rows) {
            m2 += r[2];
        }
        assertEquals(m2 / rows.length, f.get(2).mean(), 1e-9);
    }

    @Test
    void logDetMatchesFiniteDifferences() {
        double[] cont = {12.5, 3.7, -2.0};
        double[] u = new double[3];
        double[] perDim = new double[3];
        double total = pre.continuousToFlowSpace(cont, u, perDim);
        assertEquals(perDim[0] + perDim[1] + perDim[2], total, 1e-12);
        for (int i = 0; i < 3; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(cont[i]));
            double[] a = cont.clone();
            double[] b = cont.clone();
            a[i] += h;
            b[i] -= h;
            double[] ua = new double[3];
            double[] ub = new double[3];
            pre.continuousToFlowSpace(a, ua, null);
            pre.continuousToFlowSpace(b, ub, null);
            double slope = (ua[i] - ub[i]) / (2 * h);
            assertEquals(Math.log(Math.abs(slope)), perDim[i], 1e-6, "feature " + NAMES.get(i));
        }
    }

    @Test
    void scoringUsesTheBinCentreOfIntegerFeatures() {
        double[] u1 = new double[3];
        double[] p1 = new double[3];
        double[] u2 = new double[3];
        double[] p2 = new double[3];
        double t1 = pre.toFlowSpace(new double[] {12.5, 3, -2}, u1, p1);
        double t2 = pre.continuousToFlowSpace(new double[] {12.5, 3.5, -2}, u2, p2);
        assertArrayEquals(u2, u1, 0.0);
        assertArrayEquals(p2, p1, 0.0);
        assertEquals(t2, t1, 0.0);
    }

    @Test
    void roundTripsRawValuesIncludingDequantisedOnes() {
        Random rng = new Random(4);
        for (double[] raw : trainingRows(50, 9)) {
            double[] u = new double[3];
            pre.toFlowSpace(raw, u, null);
            double[] back = pre.fromFlowSpace(u);
            assertEquals(raw[0], back[0], 1e-9 * Math.max(1, raw[0]));
            assertEquals(raw[1], back[1], 0.0);
            assertEquals(raw[2], back[2], 1e-9);
            double[] noisy = pre.dequantize(raw, rng);
            assertTrue(noisy[1] >= raw[1] && noisy[1] < raw[1] + 1);
            assertEquals(raw[0], noisy[0], 0.0);
            pre.continuousToFlowSpace(noisy, u, null);
            assertEquals(raw[1], pre.fromFlowSpace(u)[1], 0.0, "sampling returns the integer bin");
        }
    }

    @Test
    void rejectsBadValuesNamingTheFeature() {
        double[] u = new double[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pre.toFlowSpace(new double[] {1, 2, Double.NaN}, u, null));
        assertTrue(e.getMessage().contains("'temp'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pre.toFlowSpace(new double[] {-3, 2, 0}, u, null));
        assertTrue(e.getMessage().contains("'latency'") && e.getMessage().contains("log1p"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pre.toFlowSpace(new double[] {1, 2.5, 0}, u, null));
        assertTrue(e.getMessage().contains("'count'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pre.toFlowSpace(new double[] {1, 2}, u, null));
        assertTrue(e.getMessage().contains("3 values"), e.getMessage());
        double[][] bad = trainingRows(10, 2);
        bad[4][0] = Double.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class,
                () -> FeaturePreprocessor.fit(bad, NAMES, new boolean[3]));
        assertTrue(e.getMessage().contains("'latency' row 4"), e.getMessage());
        double[][] neg = trainingRows(10, 3);
        e = assertThrows(IllegalArgumentException.class, () -> FeaturePreprocessor.fit(neg, NAMES, new boolean[3],
                new Log1pMode[] {Log1pMode.NEVER, Log1pMode.NEVER, Log1pMode.ALWAYS}));
        assertTrue(e.getMessage().contains("'temp'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FeaturePreprocessor.Feature("x", false, false, 0, 0));
    }

    /**
     * Behaviour changed for issue 13: a constant feature used to get std 1 and a zero-width flow input (a density
     * that collapses onto the value); it is now dequantised over one bin of its decimal resolution.
     */
    @Test
    void constantFeatureIsAPointMassSpreadOverItsResolution() {
        double[][] rows = {{5, 1}, {5, 2}, {5, 3}};
        FeaturePreprocessor p = FeaturePreprocessor.fit(rows, List.of("c", "v"), new boolean[2],
                new Log1pMode[] {Log1pMode.NEVER, Log1pMode.NEVER});
        FeaturePreprocessor.Feature c = p.features().get(0);
        assertEquals(1.0, c.step(), 0.0);
        assertEquals(5.5, c.mean(), 1e-12);
        assertEquals(1 / Math.sqrt(12), c.std(), 1e-12);
        assertEquals(0.0, p.features().get(1).step(), 0.0, "values that never repeat stay continuous");
        double[] u = new double[2];
        double[] ld = new double[2];
        p.toFlowSpace(new double[] {5, 2}, u, ld);
        assertEquals(0.0, u[0], 1e-12, "the training value is scored at its bin centre");
        assertEquals(Math.log(Math.sqrt(12)), ld[0], 1e-12);
    }

    @Test
    void quantisedFeatureIsDequantisedWithItsStep() {
        double[][] rows = new double[200][];
        Random rng = new Random(2);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {Math.round((20 + rng.nextGaussian()) * 10) / 10.0};
        }
        FeaturePreprocessor p = FeaturePreprocessor.fit(rows, List.of("cpu"), new boolean[1],
                new Log1pMode[] {Log1pMode.NEVER});
        FeaturePreprocessor.Feature f = p.features().get(0);
        assertEquals(0.1, f.step(), 1e-12);
        assertEquals(0.1, f.binWidth(), 1e-12);
        for (int i = 0; i < 100; i++) {
            double d = p.dequantize(new double[] {20.3}, rng)[0];
            assertTrue(d >= 20.3 && d < 20.4, "training noise stays in the bin [r, r + h): " + d);
        }
        double[] u = new double[1];
        p.toFlowSpace(new double[] {20.3}, u, null);
        assertEquals((20.35 - f.mean()) / f.std(), u[0], 1e-9);
        assertEquals(20.3, p.fromFlowSpace(u)[0], 1e-9);
    }

    /**
     * Interval ends map back monotonically; dequantised features report every value whose bin [r, r + h) overlaps
     * the continuous interval: integers floor(vLo)..floor(vHi), stepped features [vLo − h, vHi]; log1p clamps at 0.
     */
    @Test
    void intervalsMapBackToOriginalUnitsAndCoverTheBins() {
        FeaturePreprocessor p = new FeaturePreprocessor(List.of(
                new FeaturePreprocessor.Feature("plain", false, false, 10.0, 2.0),
                new FeaturePreprocessor.Feature("count", true, false, 4.0, 2.0),
                new FeaturePreprocessor.Feature("cpu", false, false, 20.0, 1.0, 0.1),
                new FeaturePreprocessor.Feature("bytes", false, true, 3.0, 1.0)));
        assertArrayEquals(new double[] {7.0, 13.0}, p.intervalFromFlowSpace(0, -1.5, 1.5), 1e-12);
        // v in [4 + 2·(−1.3), 4 + 2·1.6] = [1.4, 7.2]: integers 1..7 have bins overlapping it
        assertArrayEquals(new double[] {1.0, 7.0}, p.intervalFromFlowSpace(1, -1.3, 1.6), 1e-12);
        // v in [19.55, 20.25]: any grid value whose bin can overlap it lies in (19.45, 20.25] (origin unknown)
        assertArrayEquals(new double[] {19.45, 20.25}, p.intervalFromFlowSpace(2, -0.45, 0.25), 1e-12);
        assertArrayEquals(new double[] {0.0, Math.expm1(4.0)}, p.intervalFromFlowSpace(3, -5.0, 1.0), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> p.intervalFromFlowSpace(4, 0, 1));
    }
}
