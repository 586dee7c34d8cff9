package io.normalcy.bench;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Tensor;
import java.util.Random;

/**
 * Deterministic fixtures shared by the benchmarks: a conditional MAF (the detector's default flow: ActNorm +
 * masked affine autoregressive, NATURAL ordering) with weights pushed away from the near-identity
 * initialisation so that the network does trained-like work (about half of the ReLU units active), and
 * inputs/contexts shaped like the detector's: standard-normal features, a one-hot categorical (5 values +
 * unknown) and a sin/cos hour of day, so C = 8.
 */
public final class BenchModels {
    /** Blocks K of every benchmarked flow (the K = 5). */
    public static final int BLOCKS = 5;
    /** One-hot slots of the categorical context (5 values + unknown). */
    public static final int CATEGORIES = 6;
    /** Encoded context length: one-hot + sin/cos. */
    public static final int CONTEXT_DIM = CATEGORIES + 2;
    /** Rows cycled through by the benchmarks (a power of two, so the index wraps with a mask). */
    public static final int ROWS = 512;

    private BenchModels() {
    }

    /** hidden = [h] for layers = 1, [h, h] for layers = 2, and so on. */
    public static FlowSpec spec(int dim, int hidden, int layers) {
        int[] hs = new int[layers];
        java.util.Arrays.fill(hs, hidden);
        return FlowSpec.maf(dim, CONTEXT_DIM, BLOCKS, hs);
    }

    /**
     * {@code type} = "MAF" ({@link #spec(int, int, int)} with {@code blocks} blocks) or "MAF_MOG" (the same blocks
     * plus the mixture base, K = {@value FlowSpec#DEFAULT_COMPONENTS}, hidden layers as the blocks').
     */
    public static FlowSpec spec(int dim, int hidden, int layers, String type, int blocks) {
        int[] hs = new int[layers];
        java.util.Arrays.fill(hs, hidden);
        return switch (type) {
            case "MAF" -> FlowSpec.maf(dim, CONTEXT_DIM, blocks, hs);
            case "MAF_MOG" -> FlowSpec.mafMog(dim, CONTEXT_DIM, blocks, hs);
            default -> throw new IllegalArgumentException("type must be MAF or MAF_MOG, got " + type);
        };
    }

    /** Initialised parameters plus N(0, 0.05²) noise on every non-structural tensor (seeded). */
    public static FlowParameters parameters(FlowSpec spec, long seed) {
        Random rng = new Random(seed);
        FlowParameters init = ParameterInitializer.initialize(spec, rng);
        FlowParameters out = new FlowParameters();
        init.asMap().forEach((name, t) -> {
            if (name.endsWith(".ar.degrees") || name.endsWith(".perm")) {
                out.put(name, t);
                return;
            }
            float[] d = t.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (0.05 * rng.nextGaussian());
            }
            out.put(name, new Tensor(t.shape(), d));
        });
        return out;
    }

    /** {@code n} standard-normal rows of length {@code dim}. */
    public static double[][] inputs(int n, int dim, long seed) {
        Random rng = new Random(seed);
        double[][] u = new double[n][dim];
        for (double[] row : u) {
            for (int i = 0; i < dim; i++) {
                row[i] = rng.nextGaussian();
            }
        }
        return u;
    }

    /** {@code n} encoded contexts: one-hot category, then sin/cos of a random hour. */
    public static double[][] contexts(int n, long seed) {
        Random rng = new Random(seed);
        double[][] c = new double[n][CONTEXT_DIM];
        for (double[] row : c) {
            row[rng.nextInt(CATEGORIES)] = 1.0;
            double angle = 2 * Math.PI * rng.nextInt(24) / 24.0;
            row[CATEGORIES] = Math.sin(angle);
            row[CATEGORIES + 1] = Math.cos(angle);
        }
        return c;
    }

    /** Row-major float copy (the layout SameDiff is fed with). */
    public static float[] flatFloats(double[][] rows, int from, int count) {
        int w = rows[0].length;
        float[] f = new float[count * w];
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < w; j++) {
                f[r * w + j] = (float) rows[from + r][j];
            }
        }
        return f;
    }
}
