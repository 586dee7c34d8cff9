package io.normalcy.bench.sizing;

import java.util.Random;

/**
 * A table of {@code d} features with an exact log-density, so a fitted model's held-out NLL can be compared with
 * the truth (the gap is what the model misses, in nats per row). Built autoregressively in the natural feature
 * order, with the non-Gaussian shapes that decide how much capacity a flow needs:
 * <ul>
 *   <li>x0 ~ ½ N(−2, 0.5²) + ½ N(2, 0.5²) (bimodal);</li>
 *   <li>x_j | x_{&lt;j} ~ N(a_j·x_{j−1} + b_j·sin(1.5·x_{p(j)}), s_j²) with s_j = 0.2 + 0.5·σ(c_j·x_{j−1}) for
 *       j ≥ 1, where p(j) is an earlier feature and a_j ∈ [−0.8, 0.8], b_j ∈ [−1.5, 1.5], c_j ∈ [−2, 2] are drawn
 *       from the seed: non-linear means and heteroscedastic noise that depend on other features.</li>
 * </ul>
 * The coefficients depend only on {@code (d, seed)}, so the training and test tables of one width share them.
 */
public final class KnownDensityTable {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private final int d;
    private final double[] a;
    private final double[] b;
    private final double[] c;
    private final int[] parent;

    public KnownDensityTable(int d, long seed) {
        if (d < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + d);
        }
        this.d = d;
        Random rng = new Random(seed * 1_000_003L + d);
        a = new double[d];
        b = new double[d];
        c = new double[d];
        parent = new int[d];
        for (int j = 1; j < d; j++) {
            a[j] = -0.8 + 1.6 * rng.nextDouble();
            b[j] = -1.5 + 3.0 * rng.nextDouble();
            c[j] = -2.0 + 4.0 * rng.nextDouble();
            parent[j] = rng.nextInt(j);
        }
    }

    public int features() {
        return d;
    }

    public static String name(int j) {
        return String.format(java.util.Locale.ROOT, "x%02d", j);
    }

    /** {@code n} rows drawn with {@code rng}. */
    public double[][] sample(int n, Random rng) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            row[0] = (rng.nextBoolean() ? 2 : -2) + 0.5 * rng.nextGaussian();
            for (int j = 1; j < d; j++) {
                row[j] = mean(row, j) + sd(row, j) * rng.nextGaussian();
            }
        }
        return x;
    }

    /** The exact log-density of {@code x} (nats). */
    public double logDensity(double[] x) {
        double z1 = (x[0] + 2) / 0.5;
        double z2 = (x[0] - 2) / 0.5;
        double m = Math.max(-0.5 * z1 * z1, -0.5 * z2 * z2);
        // log(½·N(x0; −2, 0.5²) + ½·N(x0; 2, 0.5²)): weight ½, minus log of the sd 0.5, log-sum-exp of the modes
        double lp = Math.log(0.5) + m + Math.log(Math.exp(-0.5 * z1 * z1 - m) + Math.exp(-0.5 * z2 * z2 - m))
                - Math.log(0.5) - 0.5 * LOG_2PI;
        for (int j = 1; j < d; j++) {
            double s = sd(x, j);
            double z = (x[j] - mean(x, j)) / s;
            lp += -0.5 * z * z - Math.log(s) - 0.5 * LOG_2PI;
        }
        return lp;
    }

    private double mean(double[] x, int j) {
        return a[j] * x[j - 1] + b[j] * Math.sin(1.5 * x[parent[j]]);
    }

    private double sd(double[] x, int j) {
        return 0.2 + 0.5 / (1 + Math.exp(-c[j] * x[j - 1]));
    }
}
