package io.normalcy.flow.model;

import io.normalcy.flow.transform.Transform;

import java.util.List;

/**
 * Data-dependent ActNorm initialisation (Glow, Kingma &amp; Dhariwal 2018): block by block, the batch is
 * pushed through the already-initialised preceding blocks with the Java kernel, and block k's ActNorm
 * gets {@code s = −log(std + 1e-6)}, {@code b = −mean ⊙ exp(s)} so its output has zero mean and unit
 * variance on the batch. Without it the first gradient steps of a deep flow fight badly scaled inputs.
 */
public final class ActNormInit {
    private ActNormInit() {
    }

    /**
     * Overwrites every {@code b{k}.actnorm.*} tensor of {@code params} (in place) and returns
     * {@code params}. A spec without ActNorm leaves the parameters untouched.
     *
     * @param batchU   n ≥ 2 rows of length D (flow space)
     * @param batchCtx n rows of length C, or null when C = 0
     */
    public static FlowParameters initialize(FlowSpec spec, FlowParameters params, double[][] batchU,
                                            double[][] batchCtx) {
        if (!spec.actNorm()) {
            return params;
        }
        int d = spec.dim();
        int c = spec.contextDim();
        if (batchU == null || batchU.length < 2) {
            throw new IllegalArgumentException("ActNorm init needs a batch of at least 2 rows");
        }
        if (c > 0 && (batchCtx == null || batchCtx.length != batchU.length)) {
            throw new IllegalArgumentException("ActNorm init needs one context row per batch row");
        }
        int n = batchU.length;
        double[][] cur = new double[n][];
        double[][] ctx = new double[n][];
        for (int r = 0; r < n; r++) {
            if (batchU[r] == null || batchU[r].length != d) {
                throw new IllegalArgumentException("batch row " + r + " must have length " + d);
            }
            cur[r] = batchU[r].clone();
            ctx[r] = c == 0 ? new double[0] : batchCtx[r];
            if (ctx[r] == null || ctx[r].length != c) {
                throw new IllegalArgumentException("context row " + r + " must have length " + c);
            }
        }
        FlowBuilder.validate(spec, params);
        double[] next = new double[d];
        for (int k = 0; k < spec.blocks(); k++) {
            double[] s = new double[d];
            double[] b = new double[d];
            for (int i = 0; i < d; i++) {
                double mean = 0;
                for (double[] row : cur) {
                    mean += row[i];
                }
                mean /= n;
                double var = 0;
                for (double[] row : cur) {
                    double t = row[i] - mean;
                    var += t * t;
                }
                double std = Math.sqrt(var / n);
                s[i] = -Math.log(std + 1e-6);
                b[i] = -mean * Math.exp(s[i]);
            }
            params.put(ParameterNames.actNormScale(k), Tensor.of(new int[] {d}, s));
            params.put(ParameterNames.actNormBias(k), Tensor.of(new int[] {d}, b));
            List<Transform> block = FlowBuilder.blockParts(spec, params, k);
            for (int r = 0; r < n; r++) {
                for (Transform t : block) {
                    t.forward(cur[r], ctx[r], next, null);
                    System.arraycopy(next, 0, cur[r], 0, d);
                }
            }
        }
        return params;
    }
}
