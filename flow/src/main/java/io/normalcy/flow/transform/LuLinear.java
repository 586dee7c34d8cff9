package io.normalcy.flow.transform;

/**
 * Learned invertible linear map z = L·U·x + bias in LU form (Glow, Kingma &amp; Dhariwal 2018): L is unit
 * lower-triangular, U upper-triangular with a positive diagonal exp(logdiag), so the log-det is Σ logdiag
 * (O(D) instead of O(D³)) and the inverse is two triangular solves. It mixes all dimensions, so the
 * per-position attribution (logdiag[i] to position i) is a convention, not a conditional density.
 */
public final class LuLinear implements Transform {
    private final int dim;
    private final double[] lower;
    private final double[] upper;
    private final double[] logDiag;
    private final double[] diag;
    private final double[] bias;
    private final double logDet;
    private final ThreadLocal<double[]> scratch;

    /**
     * @param lower   [D·D] row-major, only the strict lower part is used
     * @param upper   [D·D] row-major, only the strict upper part is used
     * @param logDiag [D] log of U's diagonal
     * @param bias    [D]
     */
    public LuLinear(double[] lower, double[] upper, double[] logDiag, double[] bias) {
        this.dim = logDiag.length;
        if (lower.length != dim * dim || upper.length != dim * dim || bias.length != dim) {
            throw new IllegalArgumentException("LuLinear needs lower/upper of length " + dim * dim
                    + " and bias of length " + dim);
        }
        this.lower = lower.clone();
        this.upper = upper.clone();
        this.logDiag = logDiag.clone();
        this.bias = bias.clone();
        this.diag = new double[dim];
        double s = 0;
        for (int i = 0; i < dim; i++) {
            diag[i] = Math.exp(logDiag[i]);
            s += logDiag[i];
        }
        this.logDet = s;
        this.scratch = ThreadLocal.withInitial(() -> new double[dim]);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double forward(double[] x, double[] ctx, double[] out, double[] perDim) {
        double[] y = scratch.get();
        int d = dim;
        for (int i = 0; i < d; i++) {
            double s = diag[i] * x[i];
            int row = i * d;
            for (int j = i + 1; j < d; j++) {
                s += upper[row + j] * x[j];
            }
            y[i] = s;
        }
        for (int i = 0; i < d; i++) {
            double s = y[i] + bias[i];
            int row = i * d;
            for (int j = 0; j < i; j++) {
                s += lower[row + j] * y[j];
            }
            out[i] = s;
        }
        if (perDim != null) {
            for (int i = 0; i < d; i++) {
                perDim[i] += logDiag[i];
            }
        }
        return logDet;
    }

    @Override
    public void inverse(double[] z, double[] ctx, double[] out) {
        double[] y = scratch.get();
        int d = dim;
        for (int i = 0; i < d; i++) {
            double s = z[i] - bias[i];
            int row = i * d;
            for (int j = 0; j < i; j++) {
                s -= lower[row + j] * y[j];
            }
            y[i] = s;
        }
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            int row = i * d;
            for (int j = i + 1; j < d; j++) {
                s -= upper[row + j] * out[j];
            }
            out[i] = s / diag[i];
        }
    }
}
