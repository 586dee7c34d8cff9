package io.normalcy.flow.train;

import io.normalcy.flow.model.ActNormInit;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Shuffle;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Maximum-likelihood training of a conditional flow on ND4J: by default ({@link TrainingEngine#AUTO}) with the
 * hand-written forward and backward pass ({@link ManualFlow}), otherwise on the SameDiff graph ({@link FlowGraph});
 * both give the same gradients (tested), the manual pass ~3× faster.
 *
 * <p>Why the loop is hand-written rather than {@code SameDiff.fit}: ND4J's {@code TrainingConfig} has no
 * gradient clipping and no hook to reject a step, and a flow needs both — one batch with an extreme
 * log-scale can produce a non-finite loss, and a model with non-finite weights must never be returned.
 * Each step therefore computes loss and gradients ({@code calculateGradientsAndOutputs}), checks them, clips
 * by the global L2 norm (Pascanu et al. 2013), applies ND4J's Adam (Kingma &amp; Ba 2015) and
 * decoupled weight decay ({@code WeightDecay}, AdamW, Loshchilov &amp; Hutter 2019) with a warm-up + cosine
 * learning rate ({@link WarmupCosineSchedule}).
 *
 * <p>Robustness: a non-finite loss, gradient norm or validation NLL restores the weights of the last good
 * epoch, resets Adam's moments, halves the learning rate and repeats the epoch; after
 * {@link TrainingOptions#maxRollbacks()} such events a {@link TrainingDivergedException} is thrown.
 * Early stopping keeps the weights of the epoch with the lowest validation NLL and stops after
 * {@link TrainingOptions#patience()} epochs without improvement.
 *
 * <p>ActNorm layers get Glow's data-dependent initialisation ({@link ActNormInit}) from the first
 * {@link #MIN_INIT_ROWS} (or batch-size) shuffled training rows before the graph is built; the epoch loop itself
 * is {@link TrainingRun}, the same for both engines; {@link #start} hands it out as a {@link TrainingSession} that
 * can pause between epochs. One graph (or manual flow) is built per {@link #fit} and closed at its end (ND4J's
 * native memory is released only when arrays are closed or garbage-collected). Not thread-safe.
 */
public final class FlowTrainer {
    /**
     * Rows the data-dependent initialisation sees at least (more when the batch is larger): a small batch of a
     * rarely changing metric is often constant, and a start fitted to it is fitted to the wrong scale.
     */
    static final int MIN_INIT_ROWS = 1024;

    private final TrainingOptions options;
    private final Duration timeLimit;

    public FlowTrainer(TrainingOptions options) {
        this(options, null);
    }

    /**
     * A trainer that stops after the first epoch that ends past {@code timeLimit} from the start of
     * {@link #fit} (at least one epoch always runs, so a zero limit still returns trained weights). Flow auto
     * selection gives each candidate a share of its budget this way; the best epoch so far is kept, exactly as
     * with early stopping.
     *
     * @param timeLimit wall-clock limit per fit, null = none
     */
    public FlowTrainer(TrainingOptions options, Duration timeLimit) {
        if (options == null) {
            throw new IllegalArgumentException("training options must not be null");
        }
        if (timeLimit != null && timeLimit.isNegative()) {
            throw new IllegalArgumentException("training time limit must be >= 0, got " + timeLimit);
        }
        this.options = options;
        this.timeLimit = timeLimit;
    }

    public TrainingOptions options() {
        return options;
    }

    /**
     * Trains {@code initial} (e.g. from {@code ParameterInitializer}) on {@code data}.
     *
     * @param listener called after every completed epoch (may be {@link ProgressListener#NONE})
     * @return the best weights (finite, float32) and the history
     * @throws IllegalArgumentException    on inconsistent spec, parameters or data (naming the field/row)
     * @throws TrainingDivergedException   when the loss stays non-finite after the allowed rollbacks
     */
    public TrainingResult fit(FlowSpec spec, FlowParameters initial, TrainingData data, ProgressListener listener) {
        return fit(spec, initial, data, listener, true);
    }

    /**
     * As {@link #fit(FlowSpec, FlowParameters, TrainingData, ProgressListener)}; {@code dataDependentInit} false
     * keeps {@code initial}'s ActNorm tensors (a warm start from trained weights, whose ActNorm already fits).
     */
    public TrainingResult fit(FlowSpec spec, FlowParameters initial, TrainingData data, ProgressListener listener,
                              boolean dataDependentInit) {
        long deadline = timeLimit == null ? Long.MAX_VALUE : System.nanoTime() + saturatedNanos(timeLimit);
        try (TrainingSession session = start(spec, initial, data, listener, dataDependentInit)) {
            session.advanceUntil(options.epochs(), deadline);
            return session.finish();
        }
    }

    /**
     * A fit that trains only when asked ({@link TrainingSession#advance}) and can pause between epochs, e.g. to
     * compare candidates at equal epochs before the better ones train on. Builds the graph (and runs the
     * data-dependent initialisation) now; the caller closes the session. This trainer's time limit does not apply
     * (each {@code advance} has its own).
     *
     * @throws IllegalArgumentException on inconsistent spec, parameters or data (naming the field/row)
     */
    public TrainingSession start(FlowSpec spec, FlowParameters initial, TrainingData data, ProgressListener listener,
                                 boolean dataDependentInit) {
        checkInputs(spec, initial, data);
        Nd4j.getRandom().setSeed(options.seed());
        Random rng = new Random(options.seed());
        TrainingRun.Split split = split(data.rows(), options.validationFraction(), rng);
        double[][] validation = data.inputs(TrainingData.VALIDATION, spec.dim());
        double[][] epoch0 = data.inputs(0, spec.dim());
        FlowParameters start = dataDependentInit ? initialized(spec, initial, epoch0, data.context(), split.train())
                : initial.copy();
        WarmupCosineSchedule schedule = schedule(split.train().length);
        TrainableFlow graph = build(spec, start);
        Updates updates = null;
        try {
            updates = new Updates(graph, options);
            return new TrainingSession(graph, updates, new TrainingRun(graph, updates, options, schedule, data,
                    validation, split, rng, listener == null ? ProgressListener.NONE : listener, epoch0));
        } catch (RuntimeException | Error e) {
            if (updates != null) {
                updates.close();
            }
            graph.close();
            throw e;
        }
    }

    /** The step engine of {@link TrainingOptions#engine()} for {@code spec}. */
    private TrainableFlow build(FlowSpec spec, FlowParameters start) {
        return useManual(options.engine(), spec) ? ManualFlow.build(spec, start) : FlowGraph.build(spec, start);
    }

    /**
     * The engine that {@code engine} resolves to for {@code spec}: {@link TrainingEngine#MANUAL} or
     * {@link TrainingEngine#SAMEDIFF}.
     *
     * @throws IllegalArgumentException when MANUAL is asked for a flow that has no manual pass
     */
    public static TrainingEngine engineFor(TrainingEngine engine, FlowSpec spec) {
        return useManual(engine, spec) ? TrainingEngine.MANUAL : TrainingEngine.SAMEDIFF;
    }

    /**
     * Whether {@code engine} means the manual step for {@code spec}.
     *
     * @throws IllegalArgumentException when MANUAL is asked for a flow that has no manual pass
     */
    static boolean useManual(TrainingEngine engine, FlowSpec spec) {
        return switch (engine) {
            case SAMEDIFF -> false;
            case AUTO -> ManualFlow.supports(spec);
            case MANUAL -> {
                if (!ManualFlow.supports(spec)) {
                    throw new IllegalArgumentException("training engine MANUAL does not support " + spec.type()
                            + " (no manual pass for its mixture base); use AUTO or SAMEDIFF");
                }
                yield true;
            }
        };
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private static void checkInputs(FlowSpec spec, FlowParameters initial, TrainingData data) {
        if (spec == null || initial == null || data == null) {
            throw new IllegalArgumentException("spec, initial parameters and data must not be null");
        }
        FlowBuilder.validate(spec, initial);
        int cd = spec.contextDim();
        if (cd > 0) {
            if (data.context() == null) {
                throw new IllegalArgumentException("context rows are required: spec.contextDim = " + cd);
            }
            Batches.validate("context", data.context(), cd);
        }
    }

    /**
     * The rows (indices into the training data, in the order {@link TrainingResult#validationRows()} has them) a fit
     * with {@code options} on {@code rows} rows validates on, without training: the same seeded shuffle as
     * {@link #start}, so whoever needs these rows before or without a fit (the calibration rows of
     * {@code io.normalcy.flow.fit.CalibrationRows#indices}) gets exactly the trainer's and cannot drift from them.
     * All rows when {@link TrainingOptions#validationFraction()} is 0.
     */
    public static int[] validationRows(int rows, TrainingOptions options) {
        return split(rows, options.validationFraction(), new Random(options.seed())).validation();
    }

    /**
     * A shuffle by {@code rng} (which goes on to shuffle the epochs): the first {@code validationFraction} of it
     * validates (or, at 0, the training rows do).
     */
    private static TrainingRun.Split split(int n, double validationFraction, Random rng) {
        int[] order = shuffled(n, rng);
        int nVal = validationFraction > 0 ? Math.max(1, (int) Math.round(n * validationFraction)) : 0;
        int[] trainIdx = Arrays.copyOfRange(order, nVal, n);
        int[] valIdx = nVal > 0 ? Arrays.copyOfRange(order, 0, nVal) : trainIdx.clone();
        return new TrainingRun.Split(trainIdx, valIdx);
    }

    /** A copy of {@code initial} with data-dependent layers (ActNorm) initialised from the first training rows. */
    private FlowParameters initialized(FlowSpec spec, FlowParameters initial, double[][] u, double[][] ctx,
                                       int[] trainIdx) {
        FlowParameters start = initial.copy();
        int initRows = Math.min(trainIdx.length, Math.max(options.batchSize(), MIN_INIT_ROWS));
        if (ActNormInit.needed(spec) && initRows >= 2) {
            ActNormInit.initialize(spec, start, Batches.select(u, trainIdx, 0, initRows),
                    spec.contextDim() > 0 ? Batches.select(ctx, trainIdx, 0, initRows) : null);
        }
        return start;
    }

    /** Warm-up over {@link TrainingOptions#WARMUP_FRACTION} of all planned steps, then cosine decay. */
    private WarmupCosineSchedule schedule(int nTrain) {
        int stepsPerEpoch = (nTrain + options.batchSize() - 1) / options.batchSize();
        int totalSteps = Math.max(1, stepsPerEpoch * options.epochs());
        int warmup = (int) Math.min(TrainingOptions.MAX_WARMUP_STEPS,
                Math.round(TrainingOptions.WARMUP_FRACTION * totalSteps));
        return new WarmupCosineSchedule(options.learningRate(), warmup, totalSteps, TrainingOptions.MIN_LR_FACTOR);
    }

    private static int[] shuffled(int n, Random rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        Shuffle.inPlace(a, rng);
        return a;
    }
}
