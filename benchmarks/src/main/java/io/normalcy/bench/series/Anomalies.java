package io.normalcy.bench.series;

import io.normalcy.bench.series.OpsSeries.AnomalyKind;
import io.normalcy.bench.series.OpsSeries.Kind;
import java.util.Random;

/**
 * Writes one anomaly ({@link AnomalyKind}, magnitudes documented there) over the clean values and quantises the
 * result as the source would ({@link CleanSignals#quantise}): a spike on a CPU series still lands on the 0.1 grid
 * and at most at 100 %, a drop in a count series stops at 0. For the two-valued switch the shifts keep it
 * two-valued per stretch, as a real on/off signal with a new set point would be.
 */
final class Anomalies {
    private Anomalies() {
    }

    /**
     * The anomalous values of points {@code [start, start + duration)}.
     *
     * @param spread     standard deviation of the clean fit part (the unit of spikes and shifts)
     * @param noise      point-to-point noise of the clean fit part (the unit of added variance)
     * @param magnitude  spike/shift size in spreads, or 0 to draw it from the kind's range
     */
    static double[] apply(Kind kind, AnomalyKind k, double[] clean, int start, int duration, double spread,
                          double noise, double magnitude, Random rnd) {
        double[] out = new double[duration];
        boolean down = kind != Kind.REQUESTS && kind != Kind.SOCIAL && rnd.nextDouble() < 0.25;
        double sign = down ? -1 : 1;
        switch (k) {
            case SPIKE -> {
                double size = magnitude > 0 ? magnitude : 4 + 4 * rnd.nextDouble();
                for (int i = 0; i < duration; i++) {
                    out[i] = clean[start + i] + sign * size * spread;
                }
            }
            case LEVEL_SHIFT -> {
                double size = magnitude > 0 ? magnitude : 2 + 2 * rnd.nextDouble();
                // counts shift down as often as up (a lost upstream), never below 0 (quantise clamps)
                double s = kind == Kind.REQUESTS || kind == Kind.SOCIAL ? (rnd.nextBoolean() ? -1 : 1) : sign;
                for (int i = 0; i < duration; i++) {
                    out[i] = clean[start + i] + s * size * spread;
                }
            }
            case VARIANCE -> {
                double sd = (2 + rnd.nextDouble()) * noise;
                for (int i = 0; i < duration; i++) {
                    out[i] = clean[start + i] + sd * rnd.nextGaussian();
                }
            }
            case FLATLINE -> java.util.Arrays.fill(out, clean[start]);
            case BROKEN_DAILY -> {
                int half = OpsSeries.DAY / 2;
                for (int i = 0; i < duration; i++) {
                    out[i] = clean[start + i - half];
                }
            }
        }
        for (int i = 0; i < duration; i++) {
            out[i] = CleanSignals.quantise(kind, out[i]);
        }
        return out;
    }
}
