package io.normalcy.flow.simd;

import io.normalcy.flow.kernel.SimdKernels;
import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;

/**
 * The {@link SimdKernels} implementation on the JDK Vector API. Loaded by name from
 * {@link io.normalcy.flow.kernel.KernelSelector#simdKernels()} only when {@code jdk.incubator.vector} is in the
 * boot layer; nothing else in the code base references this package.
 */
public final class VectorKernels implements SimdKernels {
    @Override
    public Transform maskedAffine(MaskedAffineAutoregressive scalar) {
        return new VectorMaskedAffine(scalar);
    }

    @Override
    public BaseDensity mixture(MadeMixture scalar) {
        return new VectorMadeMixture(scalar);
    }
}
