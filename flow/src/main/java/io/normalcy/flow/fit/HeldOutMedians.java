package io.normalcy.flow.fit;

import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.MissingValues;
import java.util.List;
import java.util.Map;

/** The imputation values a fit stores with its missing-value policies (issue 12 item 4). */
final class HeldOutMedians {
    private HeldOutMedians() {
    }

    /**
     * The configured missing-value policies, each with its feature's median over the calibration hold-out rows
     * ({@code calibration}: indexes into {@code values}, the valid rows' feature values) in original units:
     * "held-out" so the imputed value comes from data the flow was not fitted on, like the thresholds it is scored
     * against.
     */
    static MissingValues missingValues(Map<String, MissingPolicy> policies, List<String> features, List<double[]> values,
                                       int[] calibration) {
        if (policies.isEmpty()) {
            return MissingValues.NONE;
        }
        for (String f : policies.keySet()) {
            if (!features.contains(f)) {
                throw new IllegalArgumentException("missing-value policy for '" + f + "', which is not one of the"
                        + " features " + features);
            }
        }
        Map<String, MissingValues.Entry> entries = new java.util.LinkedHashMap<>(); // feature order: stable bytes
        for (int f = 0; f < features.size(); f++) {
            MissingPolicy policy = policies.get(features.get(f));
            if (policy == null) {
                continue;
            }
            double[] column = new double[calibration.length];
            for (int i = 0; i < calibration.length; i++) {
                column[i] = values.get(calibration[i])[f];
            }
            entries.put(features.get(f), new MissingValues.Entry(policy, median(column)));
        }
        return new MissingValues(entries);
    }

    /** The median (mean of the two middle values for an even count) of a non-empty column. */
    static double median(double[] column) {
        double[] sorted = column.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
