package io.normalcy.flow.model;

/**
 * Result of {@link Thresholds#evaluate}: the severity, the threshold and quantile level that decided it, and the
 * scope of the threshold ({@code "global"} or {@code "field=value"}) so alerts can explain themselves.
 */
public record Evaluation(Severity severity, double threshold, double level, String scope) {
}
