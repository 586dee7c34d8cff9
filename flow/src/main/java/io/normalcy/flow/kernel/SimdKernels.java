package io.normalcy.flow.kernel;

import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;

/**
 * Builds the float SIMD variants of the layers that have one, from the scalar kernel of the same layer (which fixes
 * the packed, degree-sorted layout and serves the non-hot paths: inverse, sampling, quantiles).
 *
 * <p>Why an interface: its implementation ({@code io.normalcy.flow.simd.VectorKernels}) references
 * {@code jdk.incubator.vector}, and a JVM started without {@code --add-modules jdk.incubator.vector} cannot load
 * it. {@link KernelSelector#simdKernels()} loads it by name, and only after checking the module is in the boot
 * layer, so no other class links against it.
 */
public interface SimdKernels {
    /** The MAF / RealNVP coupling / NICE layer. */
    Transform maskedAffine(MaskedAffineAutoregressive scalar);

    /** The MAF_MOG mixture base density. */
    BaseDensity mixture(MadeMixture scalar);
}
