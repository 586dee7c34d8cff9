package io.normalcy.bench.series;

import io.normalcy.flow.fit.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The features of the outside evaluation that issue 13 reports: the value, its first difference and its deviation
 * from the mean of the {@value #ROLLING} points before it. The rolling mean excludes the point itself, so a one-point
 * spike shows at full height in the deviation. Points before {@value #ROLLING} have no rolling mean and are not
 * used (the fit part starts there).
 */
final class SeriesFeatures {
    /** Rolling-mean window: one hour at 5-minute steps. */
    static final int ROLLING = 12;
    static final List<String> NAMES = List.of("value", "diff", "dev");

    private SeriesFeatures() {
    }

    /** Features of point {@code t} (t ≥ {@value #ROLLING}): value, first difference, deviation from the rolling mean. */
    static double[] at(double[] v, int t) {
        if (t < ROLLING) {
            throw new IllegalArgumentException("point " + t + " has no rolling mean of " + ROLLING + " points");
        }
        double mean = 0;
        for (int i = t - ROLLING; i < t; i++) {
            mean += v[i];
        }
        mean /= ROLLING;
        return new double[] {v[t], v[t] - v[t - 1], v[t] - mean};
    }

    static Map<String, Double> map(double[] f) {
        return Map.of(NAMES.get(0), f[0], NAMES.get(1), f[1], NAMES.get(2), f[2]);
    }

    /** Training rows of points {@code [ROLLING, end)} with their event times (hour of day as cyclic context). */
    static List<RawRecord> rows(double[] v, long[] times, int end) {
        List<RawRecord> rows = new ArrayList<>(end - ROLLING);
        for (int t = ROLLING; t < end; t++) {
            rows.add(new RawRecord(map(at(v, t)), Map.of(), Map.of(), times[t]));
        }
        return rows;
    }
}
