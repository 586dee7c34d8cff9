package io.normalcy.bench.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** NAB's windowed Gaussian on inputs small enough to follow by hand. */
class WindowedGaussianTest {
    @Test
    void scoresAgainstTheWindowBeforeLearningTheValue() {
        WindowedGaussian g = new WindowedGaussian(4, 2);
        assertEquals(0.0, g.scoreAndUpdate(1), "empty window scores 0, as NAB");
        // window {1}: std 0 counts as 1e-6, so 1 again is z = 0, ln Q(0) = ln 0.5
        assertEquals(-Math.log(0.5), g.scoreAndUpdate(1), 1e-12);
        g.scoreAndUpdate(3);
        // window {1, 1, 3}: mean 5/3, population std sqrt(8/9); 5 is z = (10/3) / sqrt(8/9) = 3.5355
        double z = (5 - 5.0 / 3) / Math.sqrt(8.0 / 9);
        double q = 0.5 * smile.math.special.Erf.erfc(z / Math.sqrt(2));
        assertEquals(-Math.log(q), g.scoreAndUpdate(5), 1e-9);
        assertEquals(2.5, g.mean(), 1e-12, "window {1, 1, 3, 5}");
    }

    @Test
    void belowTheMeanScoresLikeTheMirrorAbove() {
        WindowedGaussian a = new WindowedGaussian(10, 1);
        WindowedGaussian b = new WindowedGaussian(10, 1);
        for (double x : new double[] {1, 2, 3, 4}) {
            a.scoreAndUpdate(x);
            b.scoreAndUpdate(x);
        }
        assertEquals(a.scoreAndUpdate(2.5 - 3), b.scoreAndUpdate(2.5 + 3), 1e-12);
    }

    @Test
    void aFullWindowMovesByWholeStepsOnly() {
        WindowedGaussian g = new WindowedGaussian(4, 2);
        for (double x : new double[] {1, 2, 3, 4}) {
            g.scoreAndUpdate(x);
        }
        assertEquals(2.5, g.mean(), 1e-12);
        g.scoreAndUpdate(10);
        assertEquals(2.5, g.mean(), 1e-12, "10 waits in the buffer");
        g.scoreAndUpdate(20);
        assertEquals((3 + 4 + 10 + 20) / 4.0, g.mean(), 1e-12, "1 and 2 left, 10 and 20 entered");
    }

    @Test
    void tailKeepsRankingWhereNabsScoreSaturates() {
        assertEquals(Math.log(0.025), WindowedGaussian.logUpperTail(1.959963984540054), 1e-9);
        // continuous across the switch to the asymptotic series, and still increasing far out
        assertEquals(WindowedGaussian.logUpperTail(19.999999), WindowedGaussian.logUpperTail(20.0), 1e-4);
        assertTrue(WindowedGaussian.logUpperTail(40) < WindowedGaussian.logUpperTail(30));
        assertTrue(Double.isFinite(WindowedGaussian.logUpperTail(1e6)));
    }

    @Test
    void rejectsAStepLongerThanTheWindow() {
        assertThrows(IllegalArgumentException.class, () -> new WindowedGaussian(4, 5));
        assertThrows(IllegalArgumentException.class, () -> new WindowedGaussian(0, 1));
    }
}
