package io.normalcy.flow.simd;

import io.normalcy.flow.transform.PackedMade;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One MADE network (Germain et al. 2015) evaluated in float on the JDK Vector API, from the scalar kernel's packed
 * layout ({@link PackedMade}).
 *
 * <h2>Layout</h2>
 * Per layer one flat {@code float[]}: a row per input (degree-sorted order), then a row per context entry, each
 * padded to a multiple of the vector length L. A row is zero below its first unmasked output {@code from}; it is
 * only read from chunk {@code from / L} on, so masked-out weights are skipped a whole vector at a time (for MADE
 * masks the allowed outputs of an input are a suffix, i.e. the allowed inputs of an output a prefix).
 *
 * <h2>Loop order</h2>
 * Output chunks outermost, inputs innermost: accumulators stay in registers while the non-zero inputs (about half
 * of the ReLU activations, most of a one-hot context; compacted first) are fused-multiply-added into them, so the
 * only memory traffic is the weights. The rows that reach a chunk are a prefix of the compacted list (context rows
 * start at chunk 0, input rows at non-decreasing chunks), found with one pointer. Four chunks are done at once
 * (four independent FMA chains sharing each broadcast); a lone chunk splits its inputs over four chains: with one
 * chain the FMA latency, not the arithmetic, bounds the loop (measured: no faster than the scalar kernel). The padded lanes
 * of every layer's output are zero (zero bias and weights), so they never contribute downstream.
 *
 * <p>Immutable and thread-safe; scratch buffers are per thread, so a pass allocates nothing.
 */
final class VectorMade {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private final int[] inOrder;
    private final int contextDim;
    private final Layer[] layers;
    private final ThreadLocal<Scratch> scratch;

    /** One layer in float: rows of {@code padded} floats, input rows first, then context rows. */
    private record Layer(int inputs, int width, int padded, float[] weights, int[] fromChunk, float[] bias,
                         boolean relu) {
    }

    VectorMade(PackedMade packed) {
        this.inOrder = packed.inOrder().clone();
        this.contextDim = packed.contextDim();
        PackedMade.Layer[] src = packed.layers();
        layers = new Layer[src.length];
        int maxRows = 0;
        for (int l = 0; l < src.length; l++) {
            layers[l] = pack(src[l], contextDim, l < src.length - 1);
            maxRows = Math.max(maxRows, layers[l].inputs() + contextDim);
        }
        int rows = maxRows;
        int d = inOrder.length;
        scratch = ThreadLocal.withInitial(() -> new Scratch(d, contextDim, layers, rows));
    }

    private static Layer pack(PackedMade.Layer src, int contextDim, boolean relu) {
        int n = src.width();
        int padded = (n + LANES - 1) / LANES * LANES;
        int in = src.inputRows().length;
        float[] w = new float[(in + contextDim) * padded];
        int[] fromChunk = new int[in];
        for (int r = 0; r < in; r++) {
            int f = src.from()[r];
            if (r > 0 && f < src.from()[r - 1]) {
                throw new IllegalArgumentException("packed MADE rows must start at non-decreasing outputs");
            }
            fromChunk[r] = f / LANES;
            double[] row = src.inputRows()[r];
            for (int t = f; t < n; t++) {
                w[r * padded + t] = (float) row[t];
            }
        }
        for (int k = 0; k < contextDim; k++) {
            double[] row = src.contextRows()[k];
            for (int t = 0; t < n; t++) {
                w[(in + k) * padded + t] = (float) row[t];
            }
        }
        float[] bias = new float[padded];
        for (int t = 0; t < n; t++) {
            bias[t] = (float) src.bias()[t];
        }
        return new Layer(in, n, padded, w, fromChunk, bias, relu);
    }

    /** Sorted position p → original input index. */
    int[] inOrder() {
        return inOrder;
    }

    /**
     * The network output (the packed layout's order, padded) for input {@code x} (original order) and context
     * {@code ctx}; the returned array is this thread's scratch, valid until the next call.
     */
    float[] run(double[] x, double[] ctx) {
        Scratch s = scratch.get();
        float[] in = s.x;
        for (int p = 0; p < in.length; p++) {
            in[p] = (float) x[inOrder[p]];
        }
        for (int k = 0; k < contextDim; k++) {
            s.ctx[k] = (float) ctx[k];
        }
        for (int l = 0; l < layers.length; l++) {
            float[] out = s.out[l];
            layer(layers[l], in, s, out);
            in = out;
        }
        return in;
    }

    private void layer(Layer layer, float[] in, Scratch s, float[] out) {
        int m = compact(layer, in, s);
        int[] base = s.base;
        int[] chunk = s.chunk;
        float[] val = s.val;
        float[] w = layer.weights();
        float[] bias = layer.bias();
        int chunks = layer.padded() / LANES;
        boolean relu = layer.relu();
        int reach = 0;
        int c = 0;
        for (; c + 3 < chunks; c += 4) {
            // rows reaching any of the four chunks; those starting past the first are zero there (masked)
            while (reach < m && chunk[reach] <= c + 3) {
                reach++;
            }
            fourChunks(w, bias, base, val, reach, c * LANES, relu, out);
        }
        for (; c < chunks; c++) {
            while (reach < m && chunk[reach] <= c) {
                reach++;
            }
            oneChunk(w, bias, base, val, reach, c * LANES, relu, out);
        }
    }

    /**
     * Compacts the non-zero inputs of (in, ctx) into s.base (row offset into the weights), s.val and s.chunk (first
     * chunk of the row): context first (its rows start at chunk 0), then inputs (non-decreasing chunks).
     */
    private int compact(Layer layer, float[] in, Scratch s) {
        int[] base = s.base;
        int[] chunk = s.chunk;
        float[] val = s.val;
        int padded = layer.padded();
        int nIn = layer.inputs();
        int m = 0;
        for (int k = 0; k < contextDim; k++) {
            float c = s.ctx[k];
            base[m] = (nIn + k) * padded;
            val[m] = c;
            chunk[m] = 0;
            m += c != 0f ? 1 : 0;
        }
        int[] fromChunk = layer.fromChunk();
        for (int p = 0; p < nIn; p++) {
            float a = in[p];
            base[m] = p * padded;
            val[m] = a;
            chunk[m] = fromChunk[p];
            m += a != 0f ? 1 : 0;
        }
        return m;
    }

    /** Four adjacent chunks: four independent FMA chains share each broadcast input. */
    private static void fourChunks(float[] w, float[] bias, int[] base, float[] val, int reach, int off,
                                   boolean relu, float[] out) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, off);
        FloatVector a1 = FloatVector.fromArray(SPECIES, bias, off + LANES);
        FloatVector a2 = FloatVector.fromArray(SPECIES, bias, off + 2 * LANES);
        FloatVector a3 = FloatVector.fromArray(SPECIES, bias, off + 3 * LANES);
        for (int q = 0; q < reach; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[q]);
            int o = base[q] + off;
            a0 = FloatVector.fromArray(SPECIES, w, o).fma(v, a0);
            a1 = FloatVector.fromArray(SPECIES, w, o + LANES).fma(v, a1);
            a2 = FloatVector.fromArray(SPECIES, w, o + 2 * LANES).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, w, o + 3 * LANES).fma(v, a3);
        }
        store(a0, relu, out, off);
        store(a1, relu, out, off + LANES);
        store(a2, relu, out, off + 2 * LANES);
        store(a3, relu, out, off + 3 * LANES);
    }

    /** One chunk: the inputs split over four FMA chains (an FMA's latency, not its throughput, would bound one). */
    private static void oneChunk(float[] w, float[] bias, int[] base, float[] val, int reach, int off,
                                 boolean relu, float[] out) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, off);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int q = 0;
        for (; q + 3 < reach; q += 4) {
            a0 = FloatVector.fromArray(SPECIES, w, base[q] + off).fma(FloatVector.broadcast(SPECIES, val[q]), a0);
            a1 = FloatVector.fromArray(SPECIES, w, base[q + 1] + off)
                    .fma(FloatVector.broadcast(SPECIES, val[q + 1]), a1);
            a2 = FloatVector.fromArray(SPECIES, w, base[q + 2] + off)
                    .fma(FloatVector.broadcast(SPECIES, val[q + 2]), a2);
            a3 = FloatVector.fromArray(SPECIES, w, base[q + 3] + off)
                    .fma(FloatVector.broadcast(SPECIES, val[q + 3]), a3);
        }
        for (; q < reach; q++) {
            a0 = FloatVector.fromArray(SPECIES, w, base[q] + off).fma(FloatVector.broadcast(SPECIES, val[q]), a0);
        }
        store(a0.add(a1).add(a2.add(a3)), relu, out, off);
    }

    private static void store(FloatVector acc, boolean relu, float[] out, int off) {
        (relu ? acc.max(0f) : acc).intoArray(out, off);
    }

    private static final class Scratch {
        final float[] x;
        final float[] ctx;
        final float[][] out;
        final int[] base;
        final int[] chunk;
        final float[] val;

        Scratch(int d, int contextDim, Layer[] layers, int rows) {
            x = new float[d];
            ctx = new float[contextDim];
            out = new float[layers.length][];
            for (int l = 0; l < layers.length; l++) {
                out[l] = new float[layers[l].padded()];
            }
            base = new int[rows];
            chunk = new int[rows];
            val = new float[rows];
        }
    }
}
