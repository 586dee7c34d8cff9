package io.normalcy.flow.model;

/**
 * Threshold for one value of a categorical context field. {@code fallback} is true when the held-out data had too
 * few rows with that value even for the least severe level, so {@code threshold} is the global one: a quantile of a
 * handful of samples would raise false alarms. {@code count} is the number of held-out rows seen; a non-fallback
 * threshold with {@code count < 10/level} is tail-extrapolated (see {@code ThresholdCalibrator}).
 */
public record ContextThreshold(double threshold, long count, boolean fallback) {
    public ContextThreshold {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("context threshold is NaN");
        }
        if (count < 0) {
            throw new IllegalArgumentException("context threshold count < 0: " + count);
        }
    }
}
