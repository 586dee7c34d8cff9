package io.normalcy.bench.series;

import io.normalcy.bench.series.OpsSeries.Kind;
import java.util.Random;

/**
 * The clean signal of each {@link Kind} (see its Javadoc for the shapes), already quantised as the source reports
 * it ({@link #quantise}), so the anomalies are written on top of exactly what a collector would have stored.
 */
final class CleanSignals {
    private CleanSignals() {
    }

    static double[] of(Kind kind, int n, Random rnd) {
        double[] v = switch (kind) {
            case CPU -> cpu(n, rnd, 0);
            case REQUESTS -> requests(n, rnd);
            case LATENCY -> latency(n, rnd);
            case DISK -> disk(n, rnd);
            case SWITCH -> onOff(n, rnd);
            case SOCIAL -> social(n, rnd);
            case LATE_START -> cpu(n, rnd, (int) (n * (0.10 + 0.15 * rnd.nextDouble())));
            case MEMORY -> memory(n, rnd);
        };
        for (int t = 0; t < n; t++) {
            v[t] = quantise(kind, v[t]);
        }
        return v;
    }

    /** What the source can report: CPU and disk % clamped to [0, 100] in 0.1 steps, counts and MB whole, ms in 0.1. */
    static double quantise(Kind kind, double x) {
        return switch (kind) {
            case CPU, LATE_START, DISK -> Math.round(Math.max(0, Math.min(100, x)) * 10) / 10.0;
            case REQUESTS, SOCIAL, MEMORY -> Math.max(0, Math.round(x));
            case LATENCY -> Math.max(1, Math.round(x * 10)) / 10.0;
            case SWITCH -> x;
        };
    }

    /** Daily shape in [−1, 1], peaking at 14:00 UTC. */
    static double daily(int t) {
        double hour = (t % OpsSeries.DAY) / 12.0;
        return Math.sin(2 * Math.PI * (hour - 8) / 24);
    }

    /** CPU %: zero before {@code start}, then base + daily sine + AR(1) noise. */
    private static double[] cpu(int n, Random rnd, int start) {
        double base = 15 + 25 * rnd.nextDouble();
        double amp = 5 + 15 * rnd.nextDouble();
        double sigma = 1 + 2 * rnd.nextDouble();
        double[] v = new double[n];
        double ar = 0;
        for (int t = 0; t < n; t++) {
            ar = 0.7 * ar + sigma * Math.sqrt(1 - 0.49) * rnd.nextGaussian();
            v[t] = t < start ? 0 : base + amp * daily(t) + ar;
        }
        return v;
    }

    private static double[] requests(int n, Random rnd) {
        double rate = 30 + 270 * rnd.nextDouble();
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            v[t] = poisson(rate * (1 + 0.6 * daily(t)), rnd);
        }
        return v;
    }

    private static double[] latency(int n, Random rnd) {
        double base = 40 + 80 * rnd.nextDouble();
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            double x = base * (1 + 0.15 * (1 + daily(t))) * Math.exp(0.25 * rnd.nextGaussian());
            if (rnd.nextDouble() < 0.02) {
                x *= Math.pow(1 - rnd.nextDouble(), -1 / 1.5); // Pareto(1.5) factor ≥ 1
            }
            v[t] = x;
        }
        return v;
    }

    private static double[] disk(int n, Random rnd) {
        double level = 40 + 30 * rnd.nextDouble();
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            if (rnd.nextDouble() < 1.0 / OpsSeries.DAY) {
                level += 0.5 + 1.5 * rnd.nextDouble();
                if (level > 90) {
                    level = 48 + 4 * rnd.nextDouble();
                }
            }
            v[t] = level;
        }
        return v;
    }

    private static double[] onOff(int n, Random rnd) {
        double low = 2 * (1 + rnd.nextInt(5));
        double high = low + 10 * (1 + rnd.nextInt(3));
        double[] v = new double[n];
        int on = 0;
        int off = 0;
        for (int t = 0; t < n; t++) {
            int inDay = t % OpsSeries.DAY;
            if (inDay == 0) {
                on = 8 * 12 + rnd.nextInt(25) - 12;
                off = 18 * 12 + rnd.nextInt(25) - 12;
            }
            v[t] = inDay >= on && inDay < off ? high : low;
        }
        return v;
    }

    private static double[] social(int n, Random rnd) {
        double rate = 3 + 17 * rnd.nextDouble();
        double[] v = new double[n];
        double burst = 1;
        int burstLeft = 0;
        for (int t = 0; t < n; t++) {
            if (burstLeft == 0 && rnd.nextDouble() < 1.0 / (2 * OpsSeries.DAY)) {
                burst = 3 + 3 * rnd.nextDouble();
                burstLeft = 6 + rnd.nextInt(31);
            }
            double factor = burstLeft > 0 ? burst : 1;
            burstLeft = Math.max(0, burstLeft - 1);
            v[t] = poisson(rate * (1 + 0.5 * daily(t)) * factor, rnd);
        }
        return v;
    }

    private static double[] memory(int n, Random rnd) {
        double base = 500 + 1000 * rnd.nextDouble();
        double growth = 0.02 + 0.08 * rnd.nextDouble();
        double[] v = new double[n];
        double level = base;
        int nextRestart = OpsSeries.DAY + rnd.nextInt(2 * OpsSeries.DAY);
        for (int t = 0; t < n; t++) {
            if (t == nextRestart) {
                level = base;
                nextRestart = t + OpsSeries.DAY + rnd.nextInt(2 * OpsSeries.DAY);
            }
            level += growth;
            v[t] = level + 2 * rnd.nextGaussian();
        }
        return v;
    }

    /** Poisson draw: Knuth's product method below a rate of 30, the rounded normal approximation above. */
    static double poisson(double rate, Random rnd) {
        if (rate >= 30) {
            return Math.max(0, Math.round(rate + Math.sqrt(rate) * rnd.nextGaussian()));
        }
        double limit = Math.exp(-rate);
        double p = rnd.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= rnd.nextDouble();
            k++;
        }
        return k;
    }
}
