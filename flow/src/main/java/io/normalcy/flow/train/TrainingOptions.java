package io.normalcy.flow.train;

/**
 * Hyper-parameters of {@link FlowTrainer}. Every field is validated in the constructor with a message
 * naming it, because the values arrive from CLI flags and retrain requests.
 *
 * @param epochs             maximum number of passes over the training split (≥ 1)
 * @param batchSize          records per Adam step (≥ 1)
 * @param learningRate       peak Adam learning rate (&gt; 0); linear warm-up, then cosine decay to
 *                           {@link #MIN_LR_FACTOR}·learningRate (Loshchilov &amp; Hutter 2017)
 * @param weightDecay        decoupled weight decay coefficient on weight matrices (≥ 0, AdamW-style)
 * @param clipNorm           global L2 gradient-norm clip (&gt; 0; {@code Double.POSITIVE_INFINITY} disables)
 * @param patience           early stopping: epochs without validation improvement before stopping (≥ 1)
 * @param validationFraction share of records held out for validation, in [0, 0.5]; 0 = validate on
 *                           the training split (no early stopping signal beyond the training loss)
 * @param seed               seed of the split, the shuffling and ND4J's RNG
 * @param maxRollbacks       non-finite loss events tolerated (each restores the last good weights and
 *                           halves the learning rate) before {@link TrainingDivergedException} (≥ 0)
 * @param engine             which implementation runs the training step ({@link TrainingEngine}; not null)
 */
public record TrainingOptions(int epochs, int batchSize, double learningRate, double weightDecay, double clipNorm,
                              int patience, double validationFraction, long seed, int maxRollbacks,
                              TrainingEngine engine) {

    /** The engine when none is named: see {@link TrainingEngine}. */
    public static final TrainingEngine DEFAULT_ENGINE = TrainingEngine.AUTO;

    /** The cosine schedule ends at this fraction of the peak learning rate. */
    public static final double MIN_LR_FACTOR = 0.01;
    /** Warm-up length as a fraction of all planned steps (capped at {@link #MAX_WARMUP_STEPS}). */
    public static final double WARMUP_FRACTION = 0.05;
    public static final int MAX_WARMUP_STEPS = 500;

    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("TrainingOptions.epochs must be ≥ 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("TrainingOptions.batchSize must be ≥ 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("TrainingOptions.learningRate must be finite and > 0, got "
                    + learningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("TrainingOptions.weightDecay must be finite and ≥ 0, got "
                    + weightDecay);
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("TrainingOptions.clipNorm must be > 0 (or +Infinity to disable), got "
                    + clipNorm);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("TrainingOptions.patience must be ≥ 1, got " + patience);
        }
        if (!(validationFraction >= 0 && validationFraction <= 0.5)) {
            throw new IllegalArgumentException("TrainingOptions.validationFraction must be in [0, 0.5], got "
                    + validationFraction);
        }
        if (maxRollbacks < 0) {
            throw new IllegalArgumentException("TrainingOptions.maxRollbacks must be ≥ 0, got " + maxRollbacks);
        }
        if (engine == null) {
            throw new IllegalArgumentException("TrainingOptions.engine must be one of "
                    + java.util.Arrays.toString(TrainingEngine.values()) + ", got null");
        }
    }

    /** Options with the {@link #DEFAULT_ENGINE}. */
    public TrainingOptions(int epochs, int batchSize, double learningRate, double weightDecay, double clipNorm,
                           int patience, double validationFraction, long seed, int maxRollbacks) {
        this(epochs, batchSize, learningRate, weightDecay, clipNorm, patience, validationFraction, seed,
                maxRollbacks, DEFAULT_ENGINE);
    }

    /** General-purpose defaults: 100 epochs, batch 256, lr 1e-3, weight decay 1e-5, clip 5, patience 10,
     *  10 % validation, seed 42, 3 rollbacks. */
    public static TrainingOptions defaults() {
        return new TrainingOptions(100, 256, 1e-3, 1e-5, 5.0, 10, 0.1, 42L, 3);
    }

    public TrainingOptions withEpochs(int e) {
        return new TrainingOptions(e, batchSize, learningRate, weightDecay, clipNorm, patience, validationFraction,
                seed, maxRollbacks, engine);
    }

    public TrainingOptions withEngine(TrainingEngine e) {
        return new TrainingOptions(epochs, batchSize, learningRate, weightDecay, clipNorm, patience,
                validationFraction, seed, maxRollbacks, e);
    }
}
