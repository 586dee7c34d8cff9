package io.normalcy.flow.model;

/**
 * Fixed permutation applied in every block before the masked affine layer. {@link #NONE} keeps the
 * whole flow autoregressive in feature order (per-dimension log-densities stay exact conditionals);
 * {@link #REVERSE} and {@link #RANDOM} (drawn from {@link FlowSpec#seed()}) mix dimensions between blocks,
 * which mostly helps coupling (RealNVP) flows.
 */
public enum PermutationMode {
    NONE,
    REVERSE,
    RANDOM
}
