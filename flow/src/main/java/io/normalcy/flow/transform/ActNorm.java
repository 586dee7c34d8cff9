package io.normalcy.flow.transform;

/**
 * Per-dimension affine normalisation z = x ⊙ exp(s) + b (Glow, Kingma &amp; Dhariwal 2018). Initialised from
 * the data so each block's input starts standardised, which keeps deep flows trainable without batch
 * statistics at scoring time. log-det = Σ s, attributed per position.
 */
public final class ActNorm implements Transform {
    private final int dim;
    private final double[] scale;
    private final double[] expScale;
    private final double[] bias;
    /** Σ s, the same for every input: summed once here, in the order the per-record loop used to. */
    private final double logDet;

    /** @param logScale s (length D), {@code bias} b (length D) */
    public ActNorm(double[] logScale, double[] bias) {
        if (logScale.length != bias.length) {
            throw new IllegalArgumentException("ActNorm scale has length " + logScale.length + " but bias has "
                    + bias.length);
        }
        this.dim = logScale.length;
        this.scale = logScale.clone();
        this.bias = bias.clone();
        this.expScale = new double[dim];
        double ld = 0;
        for (int i = 0; i < dim; i++) {
            expScale[i] = Math.exp(scale[i]);
            ld += scale[i];
        }
        this.logDet = ld;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        for (int i = 0; i < dim; i++) {
            out[i] = x[i] * expScale[i] + bias[i];
        }
        if (perDim != null) {
            for (int i = 0; i < dim; i++) {
                perDim[i] += scale[i];
            }
        }
        return logDet;
    }

    /** Elementwise with a positive scale exp(s). */
    @Override
    public boolean preservesNaturalOrder() {
        return true;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        for (int i = 0; i < dim; i++) {
            out[i] = (z[i] - bias[i]) / expScale[i];
        }
    }
}
