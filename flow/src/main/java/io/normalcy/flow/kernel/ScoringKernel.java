package io.normalcy.flow.kernel;

/**
 * Which implementation evaluates a flow's density per record. Both compute the same exact log-density:
 * {@link #SCALAR} in double precision (the reference), {@link #SIMD} with the MADE networks in float on the JDK's
 * Vector API and everything after the networks (log-dets, base density, sums) in double, within 1e-4 nats of the
 * reference ({@code SimdKernelParityTest}). Chosen by {@link KernelSelector}.
 */
public enum ScoringKernel {
    /** Plain Java, double precision: the reference and the fallback when the Vector API is absent. */
    SCALAR,
    /** The float SIMD kernel ({@code io.normalcy.flow.simd}); needs the {@code jdk.incubator.vector} module. */
    SIMD
}
