package io.normalcy.flow.kernel;

/**
 * Which implementation evaluates a flow's density per record. Both compute the same exact log-density:
 * {@link #SCALAR} in double precision (the reference), {@link #SIMD} with the MADE networks, the affine maps, soft
 * clamps and the mixture's log-sum-exps in float on the JDK's Vector API (its own vector exp/tanh/log) and the sums
 * over coordinates and layers in double, within 1e-4 nats of the reference ({@code SimdKernelParityTest}). Chosen by
 * {@link KernelSelector}.
 */
public enum ScoringKernel {
    /** Plain Java, double precision: the reference and the fallback when the Vector API is absent. */
    SCALAR,
    /** The float SIMD kernel ({@code io.normalcy.flow.simd}); needs the {@code jdk.incubator.vector} module. */
    SIMD
}
