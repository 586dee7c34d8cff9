package io.normalcy.bench.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The metric code of the quality harness against values computed by hand or by reference implementations
 * (scikit-learn's documented examples, R's {@code binom.test}), so a wrong sign or an off-by-one in a tie group
 * shows up here rather than as a plausible-looking benchmark table. Milliseconds; runs in the default build.
 */
class MetricsTest {
    /** scikit-learn's docstring example: average_precision_score = 0.8333, roc_auc_score = 0.75. */
    private static final int[] Y = {0, 0, 1, 1};
    private static final double[] S = {0.1, 0.4, 0.35, 0.8};

    @Test
    void averagePrecisionMatchesHandAndScikitLearnValues() {
        assertEquals(1.0, Metrics.averagePrecision(new int[] {1, 1, 0, 0}, new double[] {4, 3, 2, 1}), 1e-12);
        assertEquals(0.25, Metrics.averagePrecision(new int[] {0, 0, 0, 1}, new double[] {4, 3, 2, 1}), 1e-12);
        assertEquals((1 + 2.0 / 3) / 2, Metrics.averagePrecision(new int[] {1, 0, 1, 0}, new double[] {4, 3, 2, 1}),
                1e-12);
        assertEquals(0.8333333333, Metrics.averagePrecision(Y, S), 1e-9);
    }

    @Test
    void averagePrecisionTreatsTiesAsOneThresholdWhateverTheirOrder() {
        assertEquals(0.4, Metrics.averagePrecision(new int[] {1, 0, 0, 1, 0}, new double[] {7, 7, 7, 7, 7}), 1e-12);
        double a = Metrics.averagePrecision(new int[] {1, 0, 1, 0}, new double[] {3, 2, 2, 1});
        double b = Metrics.averagePrecision(new int[] {1, 1, 0, 0}, new double[] {3, 2, 2, 1});
        assertEquals(a, b, 1e-12);
        assertEquals(0.5 * 1 + 0.5 * (2.0 / 3), a, 1e-12);
    }

    @Test
    void aurocIsSmileRankStatisticOnAnyRealScores() {
        assertEquals(0.75, Metrics.auroc(Y, S), 1e-12);
        double[] shifted = new double[S.length];
        for (int i = 0; i < S.length; i++) {
            shifted[i] = 1000 * S[i] - 500; // −log p scores are not probabilities
        }
        assertEquals(0.75, Metrics.auroc(Y, shifted), 1e-12);
        assertEquals(0.5, Metrics.auroc(Y, new double[] {2, 2, 2, 2}), 1e-12);
    }

    @Test
    void clopperPearsonMatchesRBinomTest() {
        assertArrayEquals(new double[] {0, 0.3084971}, Metrics.clopperPearson(0, 10), 1e-6);
        assertArrayEquals(new double[] {0.1870860, 0.8129140}, Metrics.clopperPearson(5, 10), 1e-6);
        double[] rare = Metrics.clopperPearson(1, 1000);
        assertEquals(2.53e-5, rare[0], 0.05e-5);
        assertEquals(0.00556, rare[1], 0.00003);
    }

    @Test
    void upperQuantileAndTprUseTheFlowsType7Quantile() {
        double[] sorted = new double[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        assertEquals(998.001, Metrics.upperQuantile(sorted, 0.001), 1e-9);
        int[] y = {0, 0, 0, 0, 1, 1};
        double[] s = {1, 2, 3, 4, 3.5, 10};
        // FPR 0.01: cut = 0.99-quantile of the negatives = 3.97, only 10 is above; FPR 0.5: cut = 2.5, both are
        assertArrayEquals(new double[] {0.5, 1.0}, Metrics.tprAt(y, s, new double[] {0.01, 0.5}), 1e-12);
    }
}
