package io.normalcy.flow.preprocess;

/**
 * Whether {@link FeaturePreprocessor#fit} applies log(1 + r) to a feature. Heavy right tails (counts,
 * byte sizes, durations) are hard for a flow with a Gaussian base: it must spend capacity stretching the
 * tail, and a few huge training values dominate the standardisation. log1p is only valid for features
 * that are never negative in training.
 */
public enum Log1pMode {
    /** Never transform. */
    NEVER,
    /** Transform when the training minimum is ≥ 0 and the sample skewness exceeds {@link #AUTO_SKEWNESS}. */
    AUTO,
    /** Always transform; fitting fails if a training value is negative. */
    ALWAYS;

    /** Skewness above which {@link #AUTO} applies log1p. */
    public static final double AUTO_SKEWNESS = 1.0;
}
