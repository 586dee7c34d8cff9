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
 * masks the allowed outputs of an input are a suffix, i.e. the rows reaching chunk c are a prefix,
 * {@code rowsUpTo[c]} of them).
 *
 * <h2>Loop order</h2>
 * Output chunks outermost, inputs innermost: accumulators stay in registers while the inputs are
 * fused-multiply-added into them, so the only memory traffic is the weights. Chunks go in groups of four, then two,
 * then one, each group sharing every broadcast input: four chunks = four FMA chains (a row whose mask starts in a
 * later chunk of the group feeds only the chunks from there on); two chunks (a MAF output at
 * D = 16 with 16 lanes) = two chains each; a lone chunk splits its inputs over four chains (with one chain the FMA
 * latency, not the arithmetic, bounds the loop). Zeros are skipped where they pay: the non-zero context entries
 * (most of a one-hot context) are listed once per record and used by every layer; a hidden layer's non-zero ReLU
 * activations (about half) are compacted only when the layer it feeds is wide (many chunks per row, e.g. a
 * mixture's 3K·D outputs). Feeding a narrow layer (a MAF output of one to four chunks), the scalar compaction loop
 * (one load, two stores and a compare per row) would cost about as much as the multiply-adds of the zeros it saves,
 * so such a layer reads its input in place (a zero costs an exact fma(0, w, a) = a). The padded lanes of every layer's output are zero (zero bias and
 * weights), so they never contribute downstream.
 *
 * <p>Immutable and thread-safe; scratch buffers are per thread ({@link #run} hands the caller its thread's
 * {@link Scratch}, so a layer needs one thread-local look-up per record), and a pass allocates nothing.
 */
final class VectorMade {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /**
     * Compact a ReLU input only when the rows reach more chunks than this on average: a cost model (the compaction
     * loop's work per row against the vector multiply-adds of the ~half zero rows), not tuned separately; the
     * change as a whole is measured in docs/benchmarks.md "Kernel, session 7".
     */
    private static final double COMPACT_ABOVE_CHUNKS_PER_ROW = 2.5;

    private final int[] inOrder;
    private final int contextDim;
    private final Layer[] layers;
    private final ThreadLocal<Scratch> scratch;

    /**
     * One layer in float: rows of {@code padded} floats, input rows first, then context rows. {@code rowsUpTo[c]}
     * = input rows whose first reached chunk is ≤ c (a prefix, rows being sorted by it); {@code rowBase[p]} =
     * p·padded, the row offsets of a layer whose inputs are read in place ({@code dense}).
     */
    private record Layer(int inputs, int padded, float[] weights, int[] rowsUpTo, int[] rowBase, float[] bias,
                         boolean relu, boolean dense) {
    }

    /**
     * @param workLength floats of per-thread work space the caller needs ({@link Scratch#work})
     */
    VectorMade(PackedMade packed, int workLength) {
        this.inOrder = packed.inOrder().clone();
        this.contextDim = packed.contextDim();
        PackedMade.Layer[] src = packed.layers();
        layers = new Layer[src.length];
        int maxRows = 0;
        for (int l = 0; l < src.length; l++) {
            // the first layer reads the record itself, whose coordinates are (almost) never exactly zero
            layers[l] = pack(src[l], contextDim, l < src.length - 1, l == 0);
            maxRows = Math.max(maxRows, layers[l].inputs());
        }
        int rows = maxRows;
        int d = inOrder.length;
        scratch = ThreadLocal.withInitial(() -> new Scratch(d, contextDim, layers, rows, workLength));
    }

    private static Layer pack(PackedMade.Layer src, int contextDim, boolean relu, boolean first) {
        int n = src.width();
        int padded = (n + LANES - 1) / LANES * LANES;
        int in = src.inputRows().length;
        float[] w = new float[(in + contextDim) * padded];
        int[] rowsUpTo = new int[padded / LANES];
        int[] rowBase = new int[in];
        for (int r = 0; r < in; r++) {
            int f = src.from()[r];
            if (r > 0 && f < src.from()[r - 1]) {
                throw new IllegalArgumentException("packed MADE rows must start at non-decreasing outputs");
            }
            for (int c = f / LANES; c < rowsUpTo.length; c++) {
                rowsUpTo[c] = r + 1;
            }
            rowBase[r] = r * padded;
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
        long rowChunks = 0;
        for (int reach : rowsUpTo) {
            rowChunks += reach;
        }
        boolean dense = first || rowChunks <= COMPACT_ABOVE_CHUNKS_PER_ROW * in;
        return new Layer(in, padded, w, rowsUpTo, rowBase, bias, relu, dense);
    }

    /** Sorted position p → original input index. */
    int[] inOrder() {
        return inOrder;
    }

    /**
     * Runs the network on input {@code x} (original order) and context {@code ctx}; returns this thread's scratch,
     * holding the output ({@link Scratch#out()}, the packed layout's order, zero-padded to whole vectors) and the
     * float input in sorted order with its rounding residual. Valid until the thread's next call.
     */
    Scratch run(double[] x, double[] ctx) {
        Scratch s = scratch.get();
        float[] in = s.x;
        float[] residual = s.residual;
        for (int p = 0; p < inOrder.length; p++) {
            double v = x[inOrder[p]];
            float f = (float) v;
            in[p] = f;
            residual[p] = (float) (v - f);
        }
        // the non-zero context entries, once per record: the same for every layer (only their row offsets differ)
        int nc = 0;
        for (int k = 0; k < contextDim; k++) {
            float c = (float) ctx[k];
            s.ctxIndex[nc] = k;
            s.ctxVal[nc] = c;
            nc += c != 0f ? 1 : 0;
        }
        for (int l = 0; l < layers.length; l++) {
            float[] out = s.out[l];
            layer(layers[l], in, s, nc, out);
            in = out;
        }
        return s;
    }

    private void layer(Layer layer, float[] in, Scratch s, int nc, float[] out) {
        int padded = layer.padded();
        int[] ctxBase = s.ctxBase;
        for (int q = 0; q < nc; q++) {
            ctxBase[q] = (layer.inputs() + s.ctxIndex[q]) * padded;
        }
        int[] base;
        float[] val;
        int[] reach;
        if (layer.dense()) {
            base = layer.rowBase();
            val = in;
            reach = layer.rowsUpTo();
        } else {
            base = s.base;
            val = s.val;
            reach = s.reach;
            compact(layer, in, s);
        }
        float[] w = layer.weights();
        float[] bias = layer.bias();
        boolean relu = layer.relu();
        float[] ctxVal = s.ctxVal;
        int chunks = padded / LANES;
        int c = 0;
        for (; c + 3 < chunks; c += 4) {
            fourChunks(w, bias, ctxBase, ctxVal, nc, base, val, reach, c, relu, out);
        }
        if (c + 1 < chunks) {
            twoChunks(w, bias, ctxBase, ctxVal, nc, base, val, reach[c], reach[c + 1], c * LANES, relu, out);
            c += 2;
        }
        if (c < chunks) {
            oneChunk(w, bias, ctxBase, ctxVal, nc, base, val, reach[c], c * LANES, relu, out);
        }
    }

    /**
     * Compacts the non-zero inputs (about half of a ReLU layer's) into s.base (row offset into the weights) and
     * s.val, keeping their order, and s.reach[c] = how many of them reach chunk c: the rows are walked chunk by
     * chunk along the layer's static {@code rowsUpTo}, so no per-row chunk is stored or searched.
     */
    private static void compact(Layer layer, float[] in, Scratch s) {
        int[] base = s.base;
        float[] val = s.val;
        int[] reach = s.reach;
        int[] rowsUpTo = layer.rowsUpTo();
        int padded = layer.padded();
        int m = 0;
        int p = 0;
        for (int c = 0; c < rowsUpTo.length; c++) {
            for (int end = rowsUpTo[c]; p < end; p++) {
                float a = in[p];
                base[m] = p * padded;
                val[m] = a;
                m += a != 0f ? 1 : 0;
            }
            reach[c] = m;
        }
    }

    /**
     * Four adjacent chunks c..c+3: four independent FMA chains share each broadcast input; the context rows first
     * (they start at chunk 0), then the input rows in four segments by the first of these chunks they reach
     * ({@code reach[c..c+3]}): a row starting at chunk c + j is masked (zero) in the chunks before, so it only feeds
     * chunks c + j.. (in the first hidden layer of a MAF at D = 16 about a quarter of the row-chunks are such zeros).
     */
    private static void fourChunks(float[] w, float[] bias, int[] ctxBase, float[] ctxVal, int nc, int[] base,
                                   float[] val, int[] reach, int c, boolean relu, float[] out) {
        int off = c * LANES;
        int o1 = off + LANES;
        int o2 = off + 2 * LANES;
        int o3 = off + 3 * LANES;
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, off);
        FloatVector a1 = FloatVector.fromArray(SPECIES, bias, o1);
        FloatVector a2 = FloatVector.fromArray(SPECIES, bias, o2);
        FloatVector a3 = FloatVector.fromArray(SPECIES, bias, o3);
        for (int q = 0; q < nc; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, ctxVal[q]);
            int o = ctxBase[q];
            a0 = FloatVector.fromArray(SPECIES, w, o + off).fma(v, a0);
            a1 = FloatVector.fromArray(SPECIES, w, o + o1).fma(v, a1);
            a2 = FloatVector.fromArray(SPECIES, w, o + o2).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, w, o + o3).fma(v, a3);
        }
        int q = 0;
        for (int end = reach[c]; q < end; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[q]);
            int o = base[q];
            a0 = FloatVector.fromArray(SPECIES, w, o + off).fma(v, a0);
            a1 = FloatVector.fromArray(SPECIES, w, o + o1).fma(v, a1);
            a2 = FloatVector.fromArray(SPECIES, w, o + o2).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, w, o + o3).fma(v, a3);
        }
        for (int end = reach[c + 1]; q < end; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[q]);
            int o = base[q];
            a1 = FloatVector.fromArray(SPECIES, w, o + o1).fma(v, a1);
            a2 = FloatVector.fromArray(SPECIES, w, o + o2).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, w, o + o3).fma(v, a3);
        }
        for (int end = reach[c + 2]; q < end; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[q]);
            int o = base[q];
            a2 = FloatVector.fromArray(SPECIES, w, o + o2).fma(v, a2);
            a3 = FloatVector.fromArray(SPECIES, w, o + o3).fma(v, a3);
        }
        for (int end = reach[c + 3]; q < end; q++) {
            a3 = FloatVector.fromArray(SPECIES, w, base[q] + o3).fma(FloatVector.broadcast(SPECIES, val[q]), a3);
        }
        (relu ? a0.max(0f) : a0).intoArray(out, off);
        (relu ? a1.max(0f) : a1).intoArray(out, o1);
        (relu ? a2.max(0f) : a2).intoArray(out, o2);
        (relu ? a3.max(0f) : a3).intoArray(out, o3);
    }

    /**
     * Two adjacent chunks ({@code r0 ≤ r1} rows reach them): two FMA chains per chunk, rows taken in pairs and each
     * broadcast shared by both chunks; the rows reaching only the second chunk go to its chains alone.
     */
    private static void twoChunks(float[] w, float[] bias, int[] ctxBase, float[] ctxVal, int nc, int[] base,
                                  float[] val, int r0, int r1, int off, boolean relu, float[] out) {
        int o1 = off + LANES;
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, off);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.fromArray(SPECIES, bias, o1);
        FloatVector b1 = FloatVector.zero(SPECIES);
        for (int q = 0; q < nc; q++) {
            FloatVector v = FloatVector.broadcast(SPECIES, ctxVal[q]);
            a0 = FloatVector.fromArray(SPECIES, w, ctxBase[q] + off).fma(v, a0);
            b0 = FloatVector.fromArray(SPECIES, w, ctxBase[q] + o1).fma(v, b0);
        }
        int q = 0;
        for (; q + 1 < r0; q += 2) {
            FloatVector u = FloatVector.broadcast(SPECIES, val[q]);
            FloatVector v = FloatVector.broadcast(SPECIES, val[q + 1]);
            int ou = base[q];
            int ov = base[q + 1];
            a0 = FloatVector.fromArray(SPECIES, w, ou + off).fma(u, a0);
            b0 = FloatVector.fromArray(SPECIES, w, ou + o1).fma(u, b0);
            a1 = FloatVector.fromArray(SPECIES, w, ov + off).fma(v, a1);
            b1 = FloatVector.fromArray(SPECIES, w, ov + o1).fma(v, b1);
        }
        if (q < r0) {
            FloatVector u = FloatVector.broadcast(SPECIES, val[q]);
            a0 = FloatVector.fromArray(SPECIES, w, base[q] + off).fma(u, a0);
            b0 = FloatVector.fromArray(SPECIES, w, base[q] + o1).fma(u, b0);
            q++;
        }
        for (; q + 1 < r1; q += 2) {
            b0 = FloatVector.fromArray(SPECIES, w, base[q] + o1).fma(FloatVector.broadcast(SPECIES, val[q]), b0);
            b1 = FloatVector.fromArray(SPECIES, w, base[q + 1] + o1)
                    .fma(FloatVector.broadcast(SPECIES, val[q + 1]), b1);
        }
        if (q < r1) {
            b0 = FloatVector.fromArray(SPECIES, w, base[q] + o1).fma(FloatVector.broadcast(SPECIES, val[q]), b0);
        }
        FloatVector a = a0.add(a1);
        FloatVector b = b0.add(b1);
        (relu ? a.max(0f) : a).intoArray(out, off);
        (relu ? b.max(0f) : b).intoArray(out, o1);
    }

    /**
     * One chunk: the context rows into the first chain, then the input rows split over four chains (an FMA's
     * latency, not its throughput, would bound one).
     */
    private static void oneChunk(float[] w, float[] bias, int[] ctxBase, float[] ctxVal, int nc, int[] base,
                                 float[] val, int reach, int off, boolean relu, float[] out) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, off);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        for (int q = 0; q < nc; q++) {
            a0 = FloatVector.fromArray(SPECIES, w, ctxBase[q] + off).fma(FloatVector.broadcast(SPECIES, ctxVal[q]), a0);
        }
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
        FloatVector a = a0.add(a1).add(a2.add(a3));
        (relu ? a.max(0f) : a).intoArray(out, off);
    }

    /**
     * One thread's buffers. For the caller: {@link #x} = the float input in sorted order (zero past D up to a whole
     * vector), {@link #residual} = x − (double) x per entry (so a caller can form x − μ to double-like accuracy in
     * float), {@link #out()} = the network output and {@link #work} = free space of the requested length.
     */
    static final class Scratch {
        final float[] x;
        final float[] residual;
        final float[] work;
        final int[] ctxIndex;
        final float[] ctxVal;
        final int[] ctxBase;
        final float[][] out;
        final int[] base;
        final float[] val;
        final int[] reach;

        Scratch(int d, int contextDim, Layer[] layers, int rows, int workLength) {
            int dp = (d + LANES - 1) / LANES * LANES;
            x = new float[dp];
            residual = new float[dp];
            work = new float[workLength];
            ctxIndex = new int[contextDim];
            ctxVal = new float[contextDim];
            ctxBase = new int[contextDim];
            out = new float[layers.length][];
            int chunks = 0;
            for (int l = 0; l < layers.length; l++) {
                out[l] = new float[layers[l].padded()];
                chunks = Math.max(chunks, layers[l].rowsUpTo().length);
            }
            base = new int[rows];
            val = new float[rows];
            reach = new int[chunks];
        }

        /** The network's output (the packed layout's order, zero-padded). */
        float[] out() {
            return out[out.length - 1];
        }
    }
}
