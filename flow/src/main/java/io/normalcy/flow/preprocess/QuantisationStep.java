package io.normalcy.flow.preprocess;

import java.util.Arrays;

/**
 * The dequantisation step of a non-integer feature, detected from its training values.
 *
 * <p>Why: operational metrics come in steps (0.1 % CPU, whole counts, a level that never or rarely changes). A
 * continuous density fitted to repeated values collapses onto them: the flow spends its capacity on ever sharper
 * spikes and leaves almost nothing for the other rows, which then score thousands of nats below the bulk (issue
 * 13 measured −923,098 nats on a spike of a social-volume series). Spreading each value uniformly over a bin of the
 * data's own resolution h, as integer features already are with h = 1 (Uria et al. 2013; Theis et al. 2016),
 * bounds the density of any value by P(value)/h, so no value can take all of it.
 *
 * <p>Rule (values that never repeat need no step and get 0, i.e. stay continuous):
 * <ol>
 *   <li>all values equal c (a constant feature): h = the decimal resolution of c (10^−k for the smallest k ≤ 6
 *       with c·10^k integral: 1 for 0 or 100, 0.1 for 2.5), else 10^−6·max(1, |c|). The model then scores the
 *       training value with a density of about 1/h — a point mass spread over one bin, log P = log 1 — and any
 *       other value outside the bin with the flow's tail there: a penalty growing with the distance in bins;</li>
 *   <li>values on a decimal grid (10^−k, k ≤ 6): h = the greatest common step of the grid (0.1 for 0.1 % CPU,
 *       1 for whole counts, 10 for a square wave between 10 and 20), so neighbouring bins tile the line;</li>
 *   <li>otherwise (repeats off any decimal grid): h = max(smallest gap between distinct values, 10^−3·std), a
 *       resolution far below the data's spread.</li>
 * </ol>
 */
public final class QuantisationStep {
    /** Largest number of decimals a grid may have (finer data is treated as continuous-with-repeats). */
    static final int MAX_DECIMALS = 6;
    /** Relative slack for decimal inputs that are not exact in binary (20.1·10 = 201.00000000000003). */
    private static final double GRID_TOLERANCE = 1e-9;
    private static final double MAX_EXACT = 1e15;

    private QuantisationStep() {
    }

    /** The bin width h for these (finite) training values, or 0 when no value repeats. */
    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] distinct = distinct(sorted);
        if (distinct.length == sorted.length) {
            return 0.0;
        }
        if (distinct.length == 1) {
            double c = distinct[0];
            int k = decimals(c);
            return k >= 0 ? Math.pow(10, -k) : 1e-6 * Math.max(1, Math.abs(c));
        }
        double grid = decimalGrid(distinct);
        if (grid > 0) {
            return grid;
        }
        double minGap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < distinct.length; i++) {
            minGap = Math.min(minGap, distinct[i] - distinct[i - 1]);
        }
        return Math.max(minGap, 1e-3 * std(sorted));
    }

    /** Greatest common step of values on a 10^−k grid (k ≤ {@link #MAX_DECIMALS}), or 0 when there is none. */
    static double decimalGrid(double[] distinct) {
        int k = 0;
        for (double v : distinct) {
            int kv = decimals(v);
            if (kv < 0) {
                return 0.0;
            }
            k = Math.max(k, kv);
        }
        double scale = Math.pow(10, k);
        long base = Math.round(distinct[0] * scale);
        long g = 0;
        for (double v : distinct) {
            g = gcd(g, Math.abs(Math.round(v * scale) - base));
        }
        return g == 0 ? 0.0 : g / scale;
    }

    /** Smallest k ≤ {@link #MAX_DECIMALS} with v·10^k integral (up to rounding of the decimal input), or −1. */
    static int decimals(double v) {
        for (int k = 0; k <= MAX_DECIMALS; k++) {
            double m = v * Math.pow(10, k);
            if (Math.abs(m) > MAX_EXACT) {
                return -1;
            }
            if (Math.abs(m - Math.rint(m)) <= GRID_TOLERANCE * Math.max(1, Math.abs(m))) {
                return k;
            }
        }
        return -1;
    }

    private static double[] distinct(double[] sorted) {
        double[] out = new double[sorted.length];
        int n = 0;
        for (double v : sorted) {
            if (n == 0 || v != out[n - 1]) {
                out[n++] = v;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static double std(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
