package io.normalcy.flow.fit;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a raw row can be used for training: every declared feature present and finite, integer
 * features integral, every numeric context source present and finite. Remembers the first rejection reason
 * (with the row index) for error messages and logs.
 */
final class RowFilter {
    private final List<String> features;
    private final boolean[] integer;
    private final List<String> numericSources;
    private String firstProblem;

    RowFilter(List<String> features, Set<String> integerFeatures, List<String> numericSources) {
        this.features = features;
        this.integer = new boolean[features.size()];
        for (int i = 0; i < integer.length; i++) {
            integer[i] = integerFeatures.contains(features.get(i));
        }
        this.numericSources = numericSources;
    }

    /** The feature values in {@code features} order, or null when the row must be skipped. */
    double[] accept(RawRecord r, int row) {
        double[] out = new double[features.size()];
        Map<String, Double> f = r.features();
        for (int i = 0; i < out.length; i++) {
            Double v = f.get(features.get(i));
            if (v == null) {
                return reject(row, "missing feature '" + features.get(i) + "'");
            }
            if (!Double.isFinite(v)) {
                return reject(row, "feature '" + features.get(i) + "' is not finite: " + v);
            }
            if (integer[i] && v != Math.rint(v)) {
                return reject(row, "integer feature '" + features.get(i) + "' is not an integer: " + v);
            }
            out[i] = v;
        }
        for (String s : numericSources) {
            Double v = r.contextNumeric().get(s);
            if (v == null || !Double.isFinite(v)) {
                return reject(row, "numeric context '" + s + "' is missing or not finite: " + v);
            }
        }
        return out;
    }

    private double[] reject(int row, String why) {
        if (firstProblem == null) {
            firstProblem = "record " + row + ": " + why;
        }
        return null;
    }

    String firstProblem() {
        return firstProblem;
    }
}
