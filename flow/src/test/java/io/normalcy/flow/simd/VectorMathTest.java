package io.normalcy.flow.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernel's own float exp, tanh and log against {@link Math} (double, so the reference is exact at float
 * precision), over the ranges the kernel feeds them: a few float ulps, which is what lets the kernel stay within
 * 1e-4 nats of the double kernel ({@code SimdKernelParityTest}).
 */
class VectorMathTest {
    private static final int LANES = VectorMade.LANES;
    /** Three vectors, evaluated from the second: the first and last must stay untouched. */
    private static final int N = 3 * LANES;

    @Test
    void expIsWithinAFewUlpsFromUnderflowToOverflow() {
        Function<float[], float[]> exp = a -> apply(a, (b, from, to) -> VectorMath.exp(b, from, to));
        assertTrue(worst(exp, Math::exp, -87, 88, false, 1) < 4e-7);
        // the kernel's own arguments: ±clamp for α and log σ, ≤ 0 for the log-sum-exps
        assertTrue(worst(exp, Math::exp, -6, 6, false, 2) < 4e-7);
        assertEquals(1f, exp.apply(filled(0f))[LANES], 0f, "e^0 is exactly 1: the largest term of a log-sum-exp");
        float tiny = exp.apply(filled(-1e30f))[LANES];
        assertTrue(tiny > 0 && tiny < 2e-38f, "e^-1e30 → e^-87, got " + tiny);
        float big = exp.apply(filled(1e30f))[LANES];
        assertTrue(Float.isFinite(big) && big > 1e38f, "e^1e30 → e^88, got " + big);
    }

    @Test
    void tanhIsWithinAbsoluteFloatPrecisionScaledAndOdd() {
        Random rng = new Random(3);
        double worst = 0;
        for (int rep = 0; rep < 3000; rep++) {
            float[] y = new float[N];
            for (int i = 0; i < N; i++) {
                y[i] = (float) (rng.nextGaussian() * (rep % 3 == 0 ? 0.03 : 12));
            }
            float[] t = apply(y, (b, from, to) -> VectorMath.tanh(b, from, to, 1f / 3, 3f));
            float[] negated = new float[N];
            for (int i = 0; i < N; i++) {
                negated[i] = -y[i];
            }
            float[] tn = apply(negated, (b, from, to) -> VectorMath.tanh(b, from, to, 1f / 3, 3f));
            for (int i = LANES; i < 2 * LANES; i++) {
                worst = Math.max(worst, Math.abs(t[i] - 3 * Math.tanh(y[i] / 3.0)) / 3);
                assertEquals(-t[i], tn[i], 0f, "odd at " + y[i]);
            }
        }
        assertTrue(worst < 2.5e-7, "tanh absolute error " + worst);
        assertEquals(3f, apply(filled(400f), (b, from, to) -> VectorMath.tanh(b, from, to, 1f / 3, 3f))[LANES], 0f);
    }

    @Test
    void logIsWithinAFewUlpsOnPositiveNormals() {
        Function<float[], float[]> log = a -> apply(a, (b, from, to) -> VectorMath.log(b, from, to));
        // relative to max(1, |log x|): near x = 1 the log itself goes to 0
        assertTrue(worst(log, Math::log, Math.log(1.2e-38), Math.log(3e38), true, 3) < 4e-7);
        assertTrue(worst(log, Math::log, 0, Math.log(10), true, 4) < 4e-7, "the kernel's sums, in [1, K]");
        assertEquals(0f, log.apply(filled(1f))[LANES], 0f);
    }

    private interface RangeOp {
        void apply(float[] a, int from, int to);
    }

    /** op on the middle vector of a copy of {@code a}; checks the other two are untouched. */
    private static float[] apply(float[] a, RangeOp op) {
        float[] b = a.clone();
        op.apply(b, LANES, 2 * LANES);
        for (int i = 0; i < N; i++) {
            if (i < LANES || i >= 2 * LANES) {
                assertEquals(a[i], b[i], 0f, "outside the range, index " + i);
            }
        }
        return b;
    }

    private static float[] filled(float v) {
        float[] a = new float[N];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * max |f(x) − ref(x)| / |ref(x)| (for log: / max(1, |ref|)) over x = U(lo, hi), or e^U(lo, hi) when
     * {@code logScale}.
     */
    private static double worst(Function<float[], float[]> f, DoubleUnaryOperator ref, double lo, double hi,
                                boolean logScale, long seed) {
        Random rng = new Random(seed);
        double worst = 0;
        for (int rep = 0; rep < 4000; rep++) {
            float[] x = new float[N];
            for (int i = 0; i < N; i++) {
                double u = lo + (hi - lo) * rng.nextDouble();
                x[i] = (float) (logScale ? Math.exp(u) : u);
            }
            float[] y = f.apply(x);
            for (int i = LANES; i < 2 * LANES; i++) {
                double r = ref.applyAsDouble(x[i]);
                double scale = logScale ? Math.max(1, Math.abs(r)) : Math.abs(r);
                worst = Math.max(worst, Math.abs(y[i] - r) / scale);
            }
        }
        return worst;
    }
}
