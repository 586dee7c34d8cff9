package io.normalcy.bench.series;

import smile.math.special.Erf;

/**
 * NAB's "windowed Gaussian" baseline (numenta/NAB, {@code nab/detectors/gaussian/windowedGaussian_detector.py}),
 * written out here because it is the baseline itself: each value is scored against the mean and (population)
 * standard deviation of a trailing window <em>before</em> it enters the window; the window grows to
 * {@code window} values, after which values are buffered and every {@code step} values the oldest {@code step}
 * leave and the buffer enters (NAB's defaults: 6,400 and 100). A zero standard deviation counts as 10⁻⁶, as in NAB.
 *
 * <p>NAB's score is 1 − Q(|z|), Q the standard normal upper tail. That saturates at 1.0 in double precision
 * beyond |z| ≈ 8.3, making every large deviation tie; this class returns −ln Q(|z|) instead, a strictly increasing
 * function of NAB's score (same ranking, same AUROC and same alarms at any false-alarm rate where NAB's does not
 * tie) that keeps ranking where NAB's would tie. The first value (empty window) scores 0 = NAB's 0.
 */
public final class WindowedGaussian {
    /** NAB's defaults. */
    public static final int NAB_WINDOW = 6400;
    public static final int NAB_STEP = 100;
    private static final double MIN_STD = 1e-6;

    private final int window;
    private final int step;
    private final double[] data;
    private int size;
    private final double[] buffer;
    private int buffered;
    private double mean;
    private double std;

    public WindowedGaussian(int window, int step) {
        if (window < 1 || step < 1 || step > window) {
            throw new IllegalArgumentException("need 1 <= step <= window, got window " + window + ", step " + step);
        }
        this.window = window;
        this.step = step;
        this.data = new double[window];
        this.buffer = new double[step];
    }

    /** The score of {@code x} against the current window (−ln of its upper tail probability at |z|), then learns x. */
    public double scoreAndUpdate(double x) {
        double score = size == 0 ? 0.0 : -logUpperTail(Math.abs(x - mean) / std);
        if (size < window) {
            data[size++] = x;
            refresh();
        } else {
            buffer[buffered++] = x;
            if (buffered == step) {
                System.arraycopy(data, step, data, 0, window - step);
                System.arraycopy(buffer, 0, data, window - step, step);
                buffered = 0;
                refresh();
            }
        }
        return score;
    }

    public double mean() {
        return mean;
    }

    /** The standard deviation in use (at least 10⁻⁶). */
    public double std() {
        return std;
    }

    private void refresh() {
        double m = 0;
        for (int i = 0; i < size; i++) {
            m += data[i];
        }
        m /= size;
        double ss = 0;
        for (int i = 0; i < size; i++) {
            ss += (data[i] - m) * (data[i] - m);
        }
        mean = m;
        std = Math.sqrt(ss / size);
        if (std == 0) {
            std = MIN_STD;
        }
    }

    /**
     * ln Q(z) for z ≥ 0: from erfc where it has precision, the asymptotic series
     * −z²/2 − ln(z√(2π)) + ln(1 − 1/z² + 3/z⁴) beyond z = 20 (relative error below 10⁻⁷ there).
     */
    static double logUpperTail(double z) {
        if (z < 20) {
            return Math.log(0.5 * Erf.erfc(z / Math.sqrt(2)));
        }
        double z2 = z * z;
        return -z2 / 2 - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log1p(-1 / z2 + 3 / (z2 * z2));
    }

    /** Scores a whole series from its first point (the fit part is the warm-up, like NAB's probationary period). */
    static double[] scores(double[] values, int window, int step) {
        WindowedGaussian g = new WindowedGaussian(window, step);
        double[] s = new double[values.length];
        for (int t = 0; t < values.length; t++) {
            s[t] = g.scoreAndUpdate(values[t]);
        }
        return s;
    }
}
