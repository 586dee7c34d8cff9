package io.normalcy.flow.model;

/**
 * Result of {@link Thresholds#evaluate}: the severity, the threshold and quantile level that decided it, the
 * scope of the threshold ({@code "global"} or {@code "field=value"}) so alerts can explain themselves, and the
 * calibrated tail probability of the log-density in that context ({@link Thresholds#pValue}: the share of normal
 * events of the context that score this low, "1 in 1/pValue"; NaN when the thresholds cannot give one).
 */
public record Evaluation(Severity severity, double threshold, double level, String scope, double pValue) {
}
