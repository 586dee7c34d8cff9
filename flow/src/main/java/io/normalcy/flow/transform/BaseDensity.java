package io.normalcy.flow.transform;

import java.util.Random;

/**
 * The density of a flow's latent z given the context, the last factor of log p(x | c) = log p_base(z | c) +
 * log|det ∂z/∂x|. {@link StandardNormal} is the classic choice; {@link MadeMixture} is an autoregressive
 * mixture of Gaussians (MADE-MoG, Papamakarios et al. 2017) that can put several modes and skew on every
 * coordinate while keeping one exact conditional term per coordinate.
 *
 * <p>Implementations are immutable and thread-safe and allocate nothing per call in {@link #logProb}: the detector
 * calls it once per record.
 */
public interface BaseDensity {
    int dim();

    /**
     * log p(z | ctx); also ADDS the term of coordinate i to {@code perDim[i]} (perDim nullable). The terms sum to
     * the result.
     */
    double logProb(double[] z, double[] ctx, double[] perDim);

    /** One draw z ~ p(· | ctx) into {@code out}. */
    void sample(Random rng, double[] ctx, double[] out);

    /**
     * Quantiles of every coordinate's exact conditional p(z_i | z_&lt;i, ctx): {@code out[k][i]} is the
     * {@code probs[k]}-quantile of coordinate i given the other coordinates of {@code z} before it. Used on demand
     * (alert explanations), not per record, so it may allocate.
     *
     * @param probs probabilities in (0, 1)
     * @param out   {@code probs.length} rows of length {@link #dim()}
     */
    default void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out) {
        conditionalQuantiles(z, ctx, probs, out, null);
    }

    /**
     * {@link #conditionalQuantiles(double[], double[], double[], double[][])} for the coordinates in
     * {@code coords} only (null: all), the others of {@code out} left untouched. An alert shows a few top features,
     * and each quantile is a numeric solve, so solving only those is most of the cost saved; each coordinate's
     * quantile depends only on z and ctx, so it is the same value whichever coordinates are asked for.
     *
     * @param coords distinct-or-not coordinates in [0, {@link #dim()}), already checked by the caller; null for all
     */
    void conditionalQuantiles(double[] z, double[] ctx, double[] probs, double[][] out, int[] coords);
}
