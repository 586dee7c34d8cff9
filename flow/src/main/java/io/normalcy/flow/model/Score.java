package io.normalcy.flow.model;

/**
 * log p(x | c) of one record in original units, and its per-feature decomposition (in
 * {@link NormalcyModel#featureNames()} order): for MAF with NATURAL ordering, contribution i is
 * log p(x_i | x_&lt;i, c) including feature i's preprocessing log-det terms. The contributions sum to
 * {@code logDensity} (up to rounding).
 */
public record Score(double logDensity, double[] contributions) {
}
