package io.normalcy.flow.transform;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Tensor;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers: non-trivial random parameters and an independent numerical log|det J|. */
final class FlowTestSupport {
    private FlowTestSupport() {
    }

    /**
     * Parameters far from the near-identity initialisation: every entry (masked-out ones too, so the kernel
     * must really ignore them) is random. Hidden layers get He-scaled weights, the output layer weights of
     * standard deviation {@code scale / sqrt(fan_in)}, so μ and raw α are O(scale) per block: clearly
     * non-trivial, yet a stack of blocks stays well conditioned enough for finite differences.
     */
    static FlowParameters randomParameters(FlowSpec spec, long seed, double scale) {
        Random rng = new Random(seed);
        FlowParameters p = ParameterInitializer.initialize(spec, rng);
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        for (Map.Entry<String, Tensor> e : p.asMap().entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".perm") || name.endsWith(".degrees")) {
                continue;
            }
            int[] shape = e.getValue().shape();
            double s;
            if (name.endsWith("actnorm.scale") || name.endsWith("logdiag")) {
                s = 0.3;
            } else if (name.endsWith("actnorm.bias") || name.endsWith("lu.bias")) {
                s = 0.5;
            } else if (name.endsWith("lu.lower") || name.endsWith("lu.upper")) {
                s = 0.5 / Math.sqrt(d);
            } else if (name.contains(".ar.wout") || name.contains(".ar.vout")) {
                s = scale / Math.sqrt(hidden[hidden.length - 1] + c);
            } else if (name.contains(".ar.w") || name.contains(".ar.v")) {
                s = Math.sqrt(2.0 / (shape[1] + c));
            } else {
                s = 0.2; // biases
            }
            float[] a = e.getValue().data();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rng.nextGaussian() * s);
            }
        }
        return p;
    }

    static double[] randomVector(int n, Random rng, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian() * scale;
        }
        return v;
    }

    /**
     * Relative steps of the finite-difference ladder. No single step is right at every point of a ReLU network:
     * a larger step may straddle a ReLU kink (the difference quotient then mixes two linear pieces), a smaller
     * one loses digits to rounding where a deep stack's Jacobian is ill-conditioned (measured: 8 of 24,000 random
     * points of a 4-block RealNVP disagreed at 1e-6 alone, each agreeing at another step to 1e-7). A wrong
     * analytic log-det disagrees at every step.
     */
    static final double[] FD_STEPS = {1e-5, 1e-6, 1e-7};

    /** log|det| of the central finite-difference Jacobian of t.forward at x, relative step {@code step}. */
    static double numericalLogDet(Transform t, double[] x, double[] ctx, double step) {
        int d = t.dim();
        double[][] j = new double[d][d];
        double[] xp = x.clone();
        double[] fp = new double[d];
        double[] fm = new double[d];
        for (int c = 0; c < d; c++) {
            double h = step * Math.max(1.0, Math.abs(x[c]));
            xp[c] = x[c] + h;
            t.forward(xp, ctx, fp, null);
            xp[c] = x[c] - h;
            t.forward(xp, ctx, fm, null);
            xp[c] = x[c];
            for (int r = 0; r < d; r++) {
                j[r][c] = (fp[r] - fm[r]) / (2 * h);
            }
        }
        return logAbsDet(j);
    }

    /** log|det A| by LU with partial pivoting. */
    static double logAbsDet(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double s = 0;
        for (int k = 0; k < n; k++) {
            int piv = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[piv][k])) {
                    piv = i;
                }
            }
            double[] t = a[k];
            a[k] = a[piv];
            a[piv] = t;
            double p = a[k][k];
            s += Math.log(Math.abs(p));
            for (int i = k + 1; i < n; i++) {
                double f = a[i][k] / p;
                for (int c = k; c < n; c++) {
                    a[i][c] -= f * a[k][c];
                }
            }
        }
        return s;
    }

    /** The transform contract at one point: inverse, log-det vs finite differences, perDim sum. */
    static void checkContract(Transform t, double[] x, double[] ctx, String label) {
        int d = t.dim();
        double[] z = new double[d];
        double[] perDim = new double[d];
        double ld = t.forward(x, ctx, z, perDim);
        double[] back = new double[d];
        t.inverse(z, ctx, back);
        for (int i = 0; i < d; i++) {
            assertEquals(x[i], back[i], 1e-5 * Math.max(1, Math.abs(x[i])), label + ": inverse∘forward at " + i);
        }
        double tol = 1e-5 * Math.max(1, Math.abs(ld));
        double[] num = new double[FD_STEPS.length];
        boolean agrees = false;
        for (int k = 0; k < FD_STEPS.length && !agrees; k++) {
            num[k] = numericalLogDet(t, x, ctx, FD_STEPS[k]);
            agrees = Math.abs(num[k] - ld) <= tol;
        }
        assertTrue(agrees, label + ": log-det " + ld + " vs finite differences at steps "
                + java.util.Arrays.toString(FD_STEPS) + ": " + java.util.Arrays.toString(num));
        double sum = 0;
        for (double v : perDim) {
            sum += v;
        }
        assertEquals(ld, sum, 1e-10 * Math.max(1, Math.abs(ld)), label + ": perDim sums to log-det");
        double ld2 = t.forward(x, ctx, z, null);
        assertEquals(ld, ld2, 0.0, label + ": perDim must not change the log-det");
    }

    /** Forward and inverse stay finite for inputs of magnitude 1e6. */
    static void checkLargeInputs(Transform t, double[] ctx, Random rng, String label) {
        int d = t.dim();
        for (int rep = 0; rep < 5; rep++) {
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = (rng.nextBoolean() ? 1e6 : -1e6) * (rep == 0 ? 1 : rng.nextDouble());
            }
            double[] z = new double[d];
            double[] perDim = new double[d];
            double ld = t.forward(x, ctx, z, perDim);
            assertTrue(Double.isFinite(ld), label + ": finite log-det for |x| ~ 1e6");
            double[] back = new double[d];
            t.inverse(z, ctx, back);
            for (int i = 0; i < d; i++) {
                assertTrue(Double.isFinite(z[i]) && Double.isFinite(perDim[i]), label + ": finite z/perDim");
                assertTrue(Double.isFinite(back[i]), label + ": finite inverse");
                assertEquals(x[i], back[i], 1e-6 * 1e6 * 10, label + ": round trip at |x| ~ 1e6");
            }
        }
    }
}
