package io.normalcy.flow.model;

/**
 * Input degrees of a MAF block (MADE, Germain et al. 2015). {@link #NATURAL} gives every block degrees
 * 1..D in feature order, so the flow's per-dimension terms are exactly log p(x_i | x_&lt;i, c);
 * {@link #ALTERNATING} reverses the order on odd blocks; {@link #RANDOM} draws a seeded order per block.
 * Ignored by RealNVP, whose degrees are the fixed even/odd split.
 */
public enum Ordering {
    NATURAL,
    ALTERNATING,
    RANDOM
}
