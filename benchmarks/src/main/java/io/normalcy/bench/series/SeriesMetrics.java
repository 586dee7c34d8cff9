package io.normalcy.bench.series;

import io.normalcy.bench.quality.Metrics;
import java.util.Arrays;

/**
 * Per-series metrics over the scored part, each defined once so every method is judged the same way. Labels are
 * NAB's: a point is positive when it lies inside an anomaly window. Point AUROC is the quality benchmark's
 * ({@link Metrics#auroc}, ties get average ranks); window recall asks the operator's question instead: at the
 * threshold that flags {@code rate} of the points outside every window (the flow's type-7 quantile,
 * {@link Metrics#upperQuantile}), how many anomaly windows get at least one flagged point.
 */
public final class SeriesMetrics {
    private SeriesMetrics() {
    }

    /**
     * Window recall and what the cut actually did (ties at the cut can flag fewer points than the rate asks);
     * {@code hits[w]} says whether window w got a flagged point.
     */
    public record Recall(double cut, int windows, int windowsFlagged, double falseAlarmRate, boolean[] hits) {
        public double recall() {
            return windows == 0 ? Double.NaN : (double) windowsFlagged / windows;
        }
    }

    /** 1 where {@code windowOf[i] >= 0}. */
    public static int[] labels(int[] windowOf) {
        int[] y = new int[windowOf.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = windowOf[i] >= 0 ? 1 : 0;
        }
        return y;
    }

    /** Point AUROC with labels = inside a window; NaN when a class is missing or a score is NaN. */
    public static double auroc(int[] windowOf, double[] scores) {
        int[] y = labels(windowOf);
        int positives = Arrays.stream(y).sum();
        if (positives == 0 || positives == y.length || Arrays.stream(scores).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        return Metrics.auroc(y, scores);
    }

    /**
     * @param windowOf index of the window holding each scored point, −1 outside every window
     * @param windows  number of windows
     * @param rate     false-alarm rate on the points outside windows that sets the cut
     */
    public static Recall windowRecall(int[] windowOf, double[] scores, int windows, double rate) {
        if (windowOf.length != scores.length) {
            throw new IllegalArgumentException(windowOf.length + " labels but " + scores.length + " scores");
        }
        double[] negatives = new double[scores.length];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (windowOf[i] < 0) {
                negatives[n++] = scores[i];
            }
        }
        if (n == 0 || Arrays.stream(scores).anyMatch(Double::isNaN)) {
            return new Recall(Double.NaN, windows, 0, Double.NaN, new boolean[windows]);
        }
        double[] sorted = Arrays.copyOf(negatives, n);
        Arrays.sort(sorted);
        double cut = Metrics.upperQuantile(sorted, rate);
        boolean[] hit = new boolean[windows];
        int falseAlarms = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > cut) {
                if (windowOf[i] >= 0) {
                    hit[windowOf[i]] = true;
                } else {
                    falseAlarms++;
                }
            }
        }
        int flagged = 0;
        for (boolean h : hit) {
            flagged += h ? 1 : 0;
        }
        return new Recall(cut, windows, flagged, (double) falseAlarms / n, hit);
    }

    /** Median minus minimum: how far the worst value lies below the bulk (the collapse symptom for log-densities). */
    public static double worstBelowMedian(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        double median = s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        return median - s[0];
    }
}
