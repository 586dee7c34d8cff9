package io.normalcy.flow.model;

import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.layer.MixtureBaseLayer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Architecture of a conditional flow, fixed by the design contract ({@code docs/design.md}): K blocks of
 * optional ActNorm and LU-linear (Glow, Kingma &amp; Dhariwal 2018), an optional permutation and a masked
 * affine autoregressive layer (MAF, Papamakarios et al. 2017; RealNVP coupling, Dinh et al. 2017), then the base
 * density: N(0, I), or for MAF_MOG an autoregressive mixture of Gaussians (MADE-MoG, {@code MixtureBaseLayer}).
 *
 * <p>The spec travels with every model, so the compact constructor validates it and bounds the sizes
 * (a hostile spec must not make the loader allocate gigabytes). The structural choices that are random
 * (RANDOM permutation / ordering) are derived from {@link #seed()} alone, see {@link #degrees(int)} and
 * {@link #permutation(int)}; they are nevertheless stored as tensors so a model never depends on this
 * derivation staying the same.
 *
 * @param type        MAF, REALNVP or MAF_MOG
 * @param dim         number of features D (1..{@value #MAX_DIM})
 * @param contextDim  encoded context length C (0..{@value #MAX_CONTEXT_DIM})
 * @param blocks      number of blocks K (1..{@value #MAX_BLOCKS})
 * @param hidden      hidden layer widths of each masked network (1..{@value #MAX_LAYERS} layers)
 * @param actNorm     whether each block starts with ActNorm
 * @param luLinear    whether each block has an LU-decomposed linear layer
 * @param permutation permutation between blocks
 * @param ordering    MAF input-degree ordering (ignored for REALNVP)
 * @param additive    NICE-style volume-preserving layers (α ≡ 0, Dinh et al. 2015)
 * @param scaleClamp  soft clamp c of α = c·tanh(raw / c), &gt; 0
 * @param seed        seed of the random structure (and the default initialisation)
 * @param components  mixture components K per conditional of the MAF_MOG base density
 *                    (1..{@value #MAX_COMPONENTS}); 0 for the other types, whose base is N(0, I)
 */
public record FlowSpec(FlowType type, int dim, int contextDim, int blocks, int[] hidden, boolean actNorm,
                       boolean luLinear, PermutationMode permutation, Ordering ordering, boolean additive,
                       double scaleClamp, long seed, int components) {

    public static final int MAX_DIM = 4096;
    public static final int MAX_CONTEXT_DIM = 65_536;
    public static final int MAX_BLOCKS = 256;
    public static final int MAX_LAYERS = 16;
    public static final int MAX_HIDDEN = 65_536;
    public static final double DEFAULT_SCALE_CLAMP = 3.0;
    public static final int MAX_COMPONENTS = 64;
    /**
     * Default K of MAF_MOG. Measured (docs/benchmarks.md, D = 16, 4 blocks of 2×64): the mixture base costs about
     * 0.7 µs per record per component on top of a fixed ~2.4 µs, so K = 3 keeps a MAF_MOG under 2× the scoring cost
     * of the same MAF (K = 5 is ~2.2–2.9×), and three modes per conditional, after the MAF blocks, fit the
     * known-density test's bimodal feature within 0.05 nats.
     */
    public static final int DEFAULT_COMPONENTS = 3;

    /** The spec with the type's default number of mixture components ({@link #defaultComponents}). */
    public FlowSpec(FlowType type, int dim, int contextDim, int blocks, int[] hidden, boolean actNorm,
                    boolean luLinear, PermutationMode permutation, Ordering ordering, boolean additive,
                    double scaleClamp, long seed) {
        this(type, dim, contextDim, blocks, hidden, actNorm, luLinear, permutation, ordering, additive, scaleClamp,
                seed, defaultComponents(type));
    }

    /** {@link #DEFAULT_COMPONENTS} for MAF_MOG, 0 (no mixture) for the others; 0 when {@code type} is null. */
    public static int defaultComponents(FlowType type) {
        return type == FlowType.MAF_MOG ? DEFAULT_COMPONENTS : 0;
    }

    public FlowSpec {
        if (type == null) {
            throw new IllegalArgumentException("FlowSpec.type must not be null");
        }
        if (dim < 1 || dim > MAX_DIM) {
            throw new IllegalArgumentException("FlowSpec.dim must be in [1, " + MAX_DIM + "], got " + dim);
        }
        if (contextDim < 0 || contextDim > MAX_CONTEXT_DIM) {
            throw new IllegalArgumentException("FlowSpec.contextDim must be in [0, " + MAX_CONTEXT_DIM
                    + "], got " + contextDim);
        }
        if (blocks < 1 || blocks > MAX_BLOCKS) {
            throw new IllegalArgumentException("FlowSpec.blocks must be in [1, " + MAX_BLOCKS + "], got " + blocks);
        }
        if (hidden == null || hidden.length < 1 || hidden.length > MAX_LAYERS) {
            throw new IllegalArgumentException("FlowSpec.hidden must list 1.." + MAX_LAYERS + " layer widths, got "
                    + (hidden == null ? "null" : Arrays.toString(hidden)));
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1 || h > MAX_HIDDEN) {
                throw new IllegalArgumentException("FlowSpec.hidden widths must be in [1, " + MAX_HIDDEN
                        + "], got " + Arrays.toString(hidden));
            }
        }
        if (permutation == null) {
            throw new IllegalArgumentException("FlowSpec.permutation must not be null (use NONE)");
        }
        if (ordering == null) {
            throw new IllegalArgumentException("FlowSpec.ordering must not be null (use NATURAL)");
        }
        if (!(scaleClamp > 0) || Double.isInfinite(scaleClamp)) {
            throw new IllegalArgumentException("FlowSpec.scaleClamp must be finite and > 0, got " + scaleClamp);
        }
        if (type == FlowType.MAF_MOG ? components < 1 || components > MAX_COMPONENTS : components != 0) {
            throw new IllegalArgumentException("FlowSpec.components must be " + (type == FlowType.MAF_MOG
                    ? "in [1, " + MAX_COMPONENTS + "]" : "0 for " + type) + ", got " + components);
        }
    }

    /** MAF_MOG with NATURAL ordering, ActNorm, no LU, no permutation, clamp 3, K = {@value #DEFAULT_COMPONENTS}. */
    public static FlowSpec mafMog(int dim, int contextDim, int blocks, int... hidden) {
        return new FlowSpec(FlowType.MAF_MOG, dim, contextDim, blocks, hidden, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, DEFAULT_SCALE_CLAMP, 42L);
    }

    /** MAF with NATURAL ordering, ActNorm, no LU, no permutation, clamp 3: the exact-conditional default. */
    public static FlowSpec maf(int dim, int contextDim, int blocks, int... hidden) {
        return new FlowSpec(FlowType.MAF, dim, contextDim, blocks, hidden, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, DEFAULT_SCALE_CLAMP, 42L);
    }

    /** RealNVP (alternating even/odd coupling), ActNorm, LU linear, clamp 3. */
    public static FlowSpec realNvp(int dim, int contextDim, int blocks, int... hidden) {
        return new FlowSpec(FlowType.REALNVP, dim, contextDim, blocks, hidden, true, true, PermutationMode.NONE,
                Ordering.NATURAL, false, DEFAULT_SCALE_CLAMP, 42L);
    }

    public FlowSpec withSeed(long newSeed) {
        return new FlowSpec(type, dim, contextDim, blocks, hidden, actNorm, luLinear, permutation, ordering,
                additive, scaleClamp, newSeed, components);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /**
     * Input degrees (≥ 1) of block {@code block}'s masked network, per the contract: MAF (and MAF_MOG) NATURAL = 1..D,
     * ALTERNATING = natural on even blocks and reversed on odd, RANDOM = a seeded shuffle of 1..D;
     * REALNVP = 1 on even indices and 2 on odd for even blocks, flipped for odd blocks.
     */
    public int[] degrees(int block) {
        checkBlock(block);
        int[] deg = new int[dim];
        if (type == FlowType.REALNVP) {
            for (int i = 0; i < dim; i++) {
                boolean evenIndex = i % 2 == 0;
                boolean evenBlock = block % 2 == 0;
                deg[i] = evenIndex == evenBlock ? 1 : 2;
            }
            return deg;
        }
        for (int i = 0; i < dim; i++) {
            deg[i] = i + 1;
        }
        switch (ordering) {
            case NATURAL -> {
            }
            case ALTERNATING -> {
                if (block % 2 == 1) {
                    for (int i = 0; i < dim; i++) {
                        deg[i] = dim - i;
                    }
                }
            }
            case RANDOM -> Shuffle.inPlace(deg, new Random(mix(seed, block, 0x0D3C_0DEDL)));
        }
        return deg;
    }

    /** Block {@code block}'s permutation (z_i = x_perm[i]), or null when {@link PermutationMode#NONE}. */
    public int[] permutation(int block) {
        checkBlock(block);
        if (permutation == PermutationMode.NONE) {
            return null;
        }
        int[] p = new int[dim];
        for (int i = 0; i < dim; i++) {
            p[i] = permutation == PermutationMode.REVERSE ? dim - 1 - i : i;
        }
        if (permutation == PermutationMode.RANDOM) {
            Shuffle.inPlace(p, new Random(mix(seed, block, 0x9E37_79B9L)));
        }
        return p;
    }

    /**
     * Every tensor this spec needs, in canonical order (block by block, layer by layer as listed by
     * {@link FlowLayout}), with its shape. The state loader checks untrusted model bytes against this map before
     * anything reads them.
     */
    public Map<String, int[]> expectedShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int k = 0; k < blocks; k++) {
            for (LayerType layer : FlowLayout.blockLayers(this, k)) {
                m.putAll(layer.parameterShapes(this, k));
            }
        }
        if (FlowLayout.hasMixtureBase(this)) {
            m.putAll(MixtureBaseLayer.INSTANCE.parameterShapes(this));
        }
        return m;
    }

    private void checkBlock(int block) {
        if (block < 0 || block >= blocks) {
            throw new IllegalArgumentException("block " + block + " out of range [0, " + blocks + ")");
        }
    }

    private static long mix(long seed, int block, long salt) {
        long z = seed + 0x9E37_79B9_7F4A_7C15L * (block + 1) + salt;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowSpec s && type == s.type && dim == s.dim && contextDim == s.contextDim
                && blocks == s.blocks && Arrays.equals(hidden, s.hidden) && actNorm == s.actNorm
                && luLinear == s.luLinear && permutation == s.permutation && ordering == s.ordering
                && additive == s.additive && Double.compare(scaleClamp, s.scaleClamp) == 0 && seed == s.seed
                && components == s.components;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, dim, contextDim, blocks, Arrays.hashCode(hidden), actNorm, luLinear, permutation,
                ordering, additive, scaleClamp, seed, components);
    }

    @Override
    public String toString() {
        return "FlowSpec[type=" + type + ", dim=" + dim + ", contextDim=" + contextDim + ", blocks=" + blocks
                + ", hidden=" + Arrays.toString(hidden) + ", actNorm=" + actNorm + ", luLinear=" + luLinear
                + ", permutation=" + permutation + ", ordering=" + ordering + ", additive=" + additive
                + ", scaleClamp=" + scaleClamp + ", seed=" + seed + ", components=" + components + "]";
    }
}
