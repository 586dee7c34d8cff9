package io.normalcy.flow.model;

/**
 * Threshold for one value of a categorical context field at one level. {@code fallback} is true when the held-out
 * data had too few rows with that value for this level, so {@code threshold} is a copy of the global one and the
 * detector looks at the next field instead: a quantile of a handful of samples would raise false alarms.
 * {@code count} is the number of held-out rows seen; a non-fallback threshold rests on the value's fitted lower
 * tail, and with {@code count < 10/level} it lies beyond the rows' own reach (extrapolated by the tail fit, see
 * {@code ThresholdCalibrator}).
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
