package io.normalcy.flow.train;

/**
 * Training records, already preprocessed into flow space ({@code u}, see design "Preprocessing") with
 * their encoded context vectors.
 *
 * <p>Integer features are dequantised with fresh U(0,1) noise every epoch (Theis et al. 2016; Uria et al.
 * 2013): the caller owns the raw values and the preprocessing, so it supplies the flow-space rows per
 * epoch through {@link EpochInputs}. The trainer asks for {@code inputs(VALIDATION)} once per fit for a fixed view
 * used for every validation NLL (so epochs are comparable; fetched from {@link EpochInputs} once per instance and
 * shared by the fits that use this instance), then {@code inputs(epoch)} once per training epoch
 * (and again for an epoch repeated after a rollback). Row i of every call must be the same record, and
 * rows keep the context given here. Without integer features use {@link #of}.
 */
public final class TrainingData {
    /** Epoch argument of the fixed validation view. */
    public static final int VALIDATION = -1;

    /** Flow-space rows per epoch; see the class comment. */
    @FunctionalInterface
    public interface EpochInputs {
        double[][] inputs(int epoch);
    }

    private final int rows;
    private final double[][] context;
    private final EpochInputs inputs;
    /** The checked validation view once fetched: candidates trained side by side share it instead of a copy each. */
    private double[][] validation;

    private TrainingData(int rows, double[][] context, EpochInputs inputs) {
        if (rows < 2) {
            throw new IllegalArgumentException("training needs at least 2 records, got " + rows);
        }
        if (context != null && context.length != rows) {
            throw new IllegalArgumentException("context has " + context.length + " rows but inputs have " + rows);
        }
        this.rows = rows;
        this.context = context;
        this.inputs = inputs;
    }

    /** Fixed rows (no dequantisation): the same {@code u} every epoch. {@code ctx} may be null when C = 0. */
    public static TrainingData of(double[][] u, double[][] ctx) {
        if (u == null) {
            throw new IllegalArgumentException("inputs must not be null");
        }
        return new TrainingData(u.length, ctx, epoch -> u);
    }

    /** Rows regenerated per epoch (e.g. dequantisation noise); {@code ctx} may be null when C = 0. */
    public static TrainingData perEpoch(int rows, double[][] ctx, EpochInputs inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException("epoch inputs must not be null");
        }
        return new TrainingData(rows, ctx, inputs);
    }

    public int rows() {
        return rows;
    }

    /** Context rows, or null. */
    double[][] context() {
        return context;
    }

    /**
     * The flow-space rows of {@code epoch} (or {@link #VALIDATION}), checked for row count, width and finiteness.
     *
     * @throws IllegalArgumentException naming the epoch, record and column
     */
    double[][] inputs(int epoch, int width) {
        if (epoch == VALIDATION && validation != null && validation[0].length == width) {
            return validation;
        }
        double[][] u = inputs.inputs(epoch);
        if (u == null || u.length != rows) {
            throw new IllegalArgumentException("epoch inputs for epoch " + epoch + " must have " + rows
                    + " rows, got " + (u == null ? "null" : u.length));
        }
        Batches.validate(epoch == VALIDATION ? "validation input" : "input (epoch " + epoch + ")", u, width);
        if (epoch == VALIDATION) {
            validation = u;
        }
        return u;
    }
}
