package io.normalcy.flow.fit;

import java.util.Locale;

/**
 * A threshold as stored in the model with its 95 % bootstrap interval ({@link TailCalibration#bands}), the pooling
 * behind it, and the rate band the interval implies: the spread of the alert rate to expect on fresh normal data
 * of the context from calibration noise alone, as a ratio to the level.
 *
 * @param scope         {@code global}, {@code field=value} or a combination {@code field=value,field=value}
 * @param level         q
 * @param threshold     the stored threshold
 * @param count         held-out rows of the context
 * @param expectedBelow n·q: the context's own held-out rows expected below its threshold
 * @param ownWeight     weight of the context's own tail offset: 1 when not pooled, else w = n·q / (n·q + k0) and
 *                      1 − w is that of the offset pooled over {@code pooledWith}
 * @param pooledWith    the siblings' scope the offset is pooled over (e.g. {@code entityType=grocery}), or null
 * @param low           2.5 % bootstrap quantile of the stored threshold
 * @param high          97.5 % bootstrap quantile
 * @param rateRatioLow  the level at which the stored estimator puts its threshold at {@code low}, ÷ q
 * @param rateRatioHigh the same at {@code high}
 */
public record ThresholdBand(String scope, double level, double threshold, long count, double expectedBelow,
                            double ownWeight, String pooledWith, double low, double high, double rateRatioLow,
                            double rateRatioHigh) {
    /**
     * Below this many own held-out rows expected under its threshold (n·q) a context's observed rate is at the
     * noise floor of the hold-out (the quality goal counts contexts from n ≥ 10/q on), so users are told its band.
     */
    public static final double FEW_EXPECTED_BELOW = ThresholdCalibrator.MIN_TAIL_POINTS;

    /** Whether the threshold rests on few held-out exceedances (n·q &lt; {@value #FEW_EXPECTED_BELOW}). */
    public boolean few() {
        return expectedBelow < FEW_EXPECTED_BELOW;
    }

    public boolean pooled() {
        return pooledWith != null;
    }

    /**
     * e.g. {@code region=eu @0.001: rate expected within ×0.5–2.1 of the level (1.3 held-out rows expected below
     * the threshold); more history narrows it}.
     */
    public String note() {
        return String.format(Locale.ROOT, "%s @%s: rate expected within ×%.1f–%.1f of the level (%.1f held-out rows"
                + " expected below the threshold%s); more history narrows it", scope, level, rateRatioLow,
                rateRatioHigh, expectedBelow, pooledDescription());
    }

    /** e.g. {@code , tail offset pooled with entityType=grocery's, own weight 0.13}, or empty when not pooled. */
    public String pooledDescription() {
        return pooled() ? String.format(Locale.ROOT, ", tail offset pooled with %s's, own weight %.2f", pooledWith,
                ownWeight) : "";
    }
}
