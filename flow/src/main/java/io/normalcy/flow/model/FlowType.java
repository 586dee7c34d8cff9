package io.normalcy.flow.model;

/**
 * Family of the masked affine blocks of a flow.
 *
 * <p>{@link #MAF} uses one autoregressive degree per dimension (Papamakarios et al. 2017), so density
 * evaluation is one network pass and each dimension gets an exact conditional. {@link #REALNVP} is the
 * two-degree special case of the same masked network (affine coupling, Dinh et al. 2017): sampling needs
 * only two passes instead of D. {@link #MAF_MOG} is MAF followed by an autoregressive mixture-of-Gaussians
 * base density instead of N(0, I) (MAF MoG, Papamakarios et al. 2017): the same exact per-dimension
 * conditionals, but each conditional can be multi-modal and skewed, including the first one.
 */
public enum FlowType {
    MAF,
    REALNVP,
    MAF_MOG
}
