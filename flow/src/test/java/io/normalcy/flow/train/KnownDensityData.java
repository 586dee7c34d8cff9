package io.normalcy.flow.train;

import java.util.Random;

/**
 * Synthetic conditional data with an exact log-density, D = 4, three contexts (one-hot, C = 3):
 * <ul>
 *   <li>x0 | c ~ w·N(m1, s1²) + (1 − w)·N(m2, s2²) (bimodal, per-context parameters)</li>
 *   <li>x1 | x0, c ~ N(a·x0² + b, σ1²) (banana)</li>
 *   <li>x2 | x0, x1, c ~ N(m2c + 0.6·x1 − 0.3·x0, σ2²)</li>
 *   <li>x3 | x0..x2, c ~ N(m3c − 0.5·x2 + 0.2·x1, σ3²)</li>
 * </ul>
 */
final class KnownDensityData {
    static final int D = 4;
    static final int C = 3;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    // per context: w, m1, s1, m2, s2, a, b, σ1, m2c, σ2, m3c, σ3
    private static final double[][] P = {
        {0.5, -1.5, 0.5, 1.5, 0.5, 0.5, -1.0, 0.3, 0.0, 0.5, 1.0, 0.4},
        {0.3, -1.0, 0.4, 2.0, 0.7, -0.4, 1.0, 0.25, 1.0, 0.3, -1.0, 0.6},
        {0.7, 0.0, 0.6, 3.0, 0.4, 0.3, 0.0, 0.4, -1.0, 0.6, 0.0, 0.3},
    };

    final double[][] x;
    final double[][] ctx;
    final int[] context;

    KnownDensityData(int n, long seed) {
        Random rng = new Random(seed);
        x = new double[n][D];
        ctx = new double[n][C];
        context = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(C);
            double[] p = P[k];
            context[i] = k;
            ctx[i][k] = 1;
            double x0 = rng.nextDouble() < p[0] ? p[1] + p[2] * rng.nextGaussian() : p[3] + p[4] * rng.nextGaussian();
            double x1 = p[5] * x0 * x0 + p[6] + p[7] * rng.nextGaussian();
            double x2 = p[8] + 0.6 * x1 - 0.3 * x0 + p[9] * rng.nextGaussian();
            double x3 = p[10] - 0.5 * x2 + 0.2 * x1 + p[11] * rng.nextGaussian();
            x[i] = new double[] {x0, x1, x2, x3};
        }
    }

    /** Exact log p(x | c) of record i. */
    double logDensity(int i) {
        double[] p = P[context[i]];
        double[] v = x[i];
        double c1 = Math.log(p[0]) + logNormal(v[0], p[1], p[2]);
        double c2 = Math.log(1 - p[0]) + logNormal(v[0], p[3], p[4]);
        double mx = Math.max(c1, c2);
        double l0 = mx + Math.log(Math.exp(c1 - mx) + Math.exp(c2 - mx));
        double l1 = logNormal(v[1], p[5] * v[0] * v[0] + p[6], p[7]);
        double l2 = logNormal(v[2], p[8] + 0.6 * v[1] - 0.3 * v[0], p[9]);
        double l3 = logNormal(v[3], p[10] - 0.5 * v[2] + 0.2 * v[1], p[11]);
        return l0 + l1 + l2 + l3;
    }

    private static double logNormal(double v, double mean, double sd) {
        double z = (v - mean) / sd;
        return -0.5 * z * z - Math.log(sd) - 0.5 * LOG_2PI;
    }
}
