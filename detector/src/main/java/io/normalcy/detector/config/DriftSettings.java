package io.normalcy.detector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When the detector asks for a retrain. Over the last {@code windowSize} scored records of a model (once at
 * least {@code minRecords} were seen), drift is declared if the fraction of records at or above WARNING exceeds
 * {@code rateFactor} × the calibrated warning quantile level (a well-calibrated model flags ≈ level of normal
 * traffic, so a persistent excess means the traffic no longer looks like the training data), or if the mean
 * log-density moved by more than {@code meanShift} nats from the model's held-out mean (−validationNll). At most
 * one request per model per {@code rateLimit} of stream time.
 *
 * @param enabled    whether retrain requests are emitted at all
 * @param windowSize records in the sliding window (≥ 10)
 * @param minRecords records needed before the first evaluation (1 ≤ minRecords ≤ windowSize)
 * @param rateFactor k in "rate &gt; k × level" (&gt; 1)
 * @param meanShift  Δ in nats; 0 disables the mean-shift test
 * @param rateLimit  minimum stream time between two requests of the same model
 */
public record DriftSettings(boolean enabled, int windowSize, int minRecords, double rateFactor, double meanShift,
                            Duration rateLimit) {
    public DriftSettings {
        Objects.requireNonNull(rateLimit, "normalcy.detector.drift.rate-limit");
        if (windowSize < 10) {
            throw new IllegalArgumentException("normalcy.detector.drift.window-size must be >= 10, got " + windowSize);
        }
        if (minRecords < 1 || minRecords > windowSize) {
            throw new IllegalArgumentException("normalcy.detector.drift.min-records must be in [1, window-size="
                    + windowSize + "], got " + minRecords);
        }
        if (!(rateFactor > 1) || !Double.isFinite(rateFactor)) {
            throw new IllegalArgumentException("normalcy.detector.drift.rate-factor must be a finite number > 1, got "
                    + rateFactor);
        }
        if (!(meanShift >= 0) || !Double.isFinite(meanShift)) {
            throw new IllegalArgumentException("normalcy.detector.drift.mean-shift must be a finite number >= 0, got "
                    + meanShift);
        }
        if (rateLimit.isNegative()) {
            throw new IllegalArgumentException("normalcy.detector.drift.rate-limit must not be negative, got "
                    + rateLimit);
        }
    }

    public static DriftSettings defaults() {
        return new DriftSettings(true, 5000, 1000, 3.0, 0.0, Duration.ofHours(1));
    }
}
