package io.normalcy.flow.model;

import io.normalcy.flow.layer.FlowLayout;
import io.normalcy.flow.layer.LayerType;
import io.normalcy.flow.transform.Transform;

/**
 * Data-dependent initialisation (Glow's ActNorm, Kingma &amp; Dhariwal 2018, is today's only layer with one):
 * layer by layer, the batch is pushed through the already-initialised preceding layers with the Java kernel, and
 * each {@link LayerType#dataDependent()} layer initialises itself from the rows that reach it
 * ({@link LayerType#initializeFromData}).
 */
public final class ActNormInit {
    private ActNormInit() {
    }

    /** Whether any layer of {@code spec} has a data-dependent initialisation. */
    public static boolean needed(FlowSpec spec) {
        for (int k = 0; k < spec.blocks(); k++) {
            if (FlowLayout.blockLayers(spec, k).stream().anyMatch(LayerType::dataDependent)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Overwrites the tensors of every data-dependent layer (e.g. {@code b{k}.actnorm.*}) of {@code params} in
     * place and returns {@code params}. A spec without such layers leaves the parameters untouched.
     *
     * @param batchU   n ≥ 2 rows of length D (flow space)
     * @param batchCtx n rows of length C, or null when C = 0
     */
    public static FlowParameters initialize(FlowSpec spec, FlowParameters params, double[][] batchU,
                                            double[][] batchCtx) {
        if (!needed(spec)) {
            return params;
        }
        double[][] cur = copyRows(spec, batchU);
        double[][] ctx = contextRows(spec, batchCtx, batchU.length);
        FlowBuilder.validate(spec, params);
        double[] next = new double[spec.dim()];
        for (int k = 0; k < spec.blocks(); k++) {
            for (LayerType layer : FlowLayout.blockLayers(spec, k)) {
                layer.initializeFromData(spec, k, params, cur);
                Transform t = layer.kernel(spec, k, params);
                for (int r = 0; r < cur.length; r++) {
                    t.forward(cur[r], ctx[r], next, null);
                    System.arraycopy(next, 0, cur[r], 0, next.length);
                }
            }
        }
        return params;
    }

    private static double[][] copyRows(FlowSpec spec, double[][] batchU) {
        if (batchU == null || batchU.length < 2) {
            throw new IllegalArgumentException("ActNorm init needs a batch of at least 2 rows");
        }
        double[][] cur = new double[batchU.length][];
        for (int r = 0; r < batchU.length; r++) {
            if (batchU[r] == null || batchU[r].length != spec.dim()) {
                throw new IllegalArgumentException("batch row " + r + " must have length " + spec.dim());
            }
            cur[r] = batchU[r].clone();
        }
        return cur;
    }

    private static double[][] contextRows(FlowSpec spec, double[][] batchCtx, int n) {
        int c = spec.contextDim();
        if (c > 0 && (batchCtx == null || batchCtx.length != n)) {
            throw new IllegalArgumentException("ActNorm init needs one context row per batch row");
        }
        double[][] ctx = new double[n][];
        for (int r = 0; r < n; r++) {
            ctx[r] = c == 0 ? new double[0] : batchCtx[r];
            if (ctx[r] == null || ctx[r].length != c) {
                throw new IllegalArgumentException("context row " + r + " must have length " + c);
            }
        }
        return ctx;
    }
}
