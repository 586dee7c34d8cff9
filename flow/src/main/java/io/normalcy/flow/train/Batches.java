package io.normalcy.flow.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-major float mini-batches. Built with {@code Nd4j.create(float[], shape)} from reused Java buffers:
 * {@code INDArray.getRows} costs ~18 ms per 256 rows on ND4J 1.0.0-M2.1 (measured), this costs a copy.
 */
final class Batches {
    private Batches() {
    }

    /**
     * End (exclusive) of the mini-batch that starts at {@code from}: {@code from + batchSize}, except that a last
     * batch of a single row is merged into this one. ND4J M2.1's backward pass of a one-row batch fails
     * ({@code strided_slice_bp … NDArray::assign: lengths of arrays are mismatched}), so no step may see one row
     * (a lone training row is fed twice instead, see {@code TrainingRun}).
     */
    static int end(int n, int from, int batchSize) {
        int to = Math.min(n, from + batchSize);
        return n - to == 1 ? n : to;
    }

    /** Checks shape and finiteness of every row, naming the offending record and column. */
    static void validate(String what, double[][] rows, int width) {
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row == null || row.length != width) {
                throw new IllegalArgumentException(what + " row " + r + " must have length " + width + ", got "
                        + (row == null ? "null" : row.length));
            }
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException(what + " row " + r + " column " + j + " is not finite: "
                            + row[j]);
                }
            }
        }
    }

    /** Copies rows {@code idx[from..to)} into {@code buf} (row-major) and wraps them; null when width = 0. */
    static INDArray gather(double[][] rows, int[] idx, int from, int to, int width, float[] buf) {
        if (width == 0) {
            return null;
        }
        int n = to - from;
        float[] b = buf.length == n * width ? buf : new float[n * width];
        for (int r = 0; r < n; r++) {
            double[] row = rows[idx[from + r]];
            int off = r * width;
            for (int j = 0; j < width; j++) {
                b[off + j] = (float) row[j];
            }
        }
        return Nd4j.create(b, new long[] {n, width}, 'c');
    }

    /** Rows {@code idx[from..to)} as a double matrix (no copy of the rows). */
    static double[][] select(double[][] rows, int[] idx, int from, int to) {
        double[][] out = new double[to - from][];
        for (int r = from; r < to; r++) {
            out[r - from] = rows[idx[r]];
        }
        return out;
    }
}
