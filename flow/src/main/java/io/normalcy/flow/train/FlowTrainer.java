package io.normalcy.flow.train;

import io.normalcy.flow.model.Shuffle;
import io.normalcy.flow.model.ActNormInit;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maximum-likelihood training of a conditional flow on the SameDiff graph ({@link FlowGraph}).
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
 * <p>ActNorm layers get Glow's data-dependent initialisation ({@link ActNormInit}) from the first training
 * batch before the graph is built. One graph is built per {@link #fit} and closed at its end (ND4J's
 * native memory is released only when arrays are closed or garbage-collected). Not thread-safe.
 */
public final class FlowTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(FlowTrainer.class);
    private static final int EVAL_BATCH = 4096;

    private final TrainingOptions options;

    public FlowTrainer(TrainingOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("training options must not be null");
        }
        this.options = options;
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
        if (spec == null || initial == null || data == null) {
            throw new IllegalArgumentException("spec, initial parameters and data must not be null");
        }
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        FlowBuilder.validate(spec, initial);
        int d = spec.dim();
        int cd = spec.contextDim();
        double[][] ctx = data.context();
        if (cd > 0) {
            if (ctx == null) {
                throw new IllegalArgumentException("context rows are required: spec.contextDim = " + cd);
            }
            Batches.validate("context", ctx, cd);
        }
        Nd4j.getRandom().setSeed(options.seed());
        Random rng = new Random(options.seed());

        int n = data.rows();
        int[] order = shuffled(n, rng);
        int nVal = options.validationFraction() > 0 ? Math.max(1, (int) Math.round(n * options.validationFraction())) : 0;
        int nTrain = n - nVal;
        int[] trainIdx = java.util.Arrays.copyOfRange(order, nVal, n);
        int[] valIdx = nVal > 0 ? java.util.Arrays.copyOfRange(order, 0, nVal) : trainIdx.clone();

        double[][] valU = data.inputs(TrainingData.VALIDATION);
        Batches.validate("validation input", valU, d);
        double[][] u = data.inputs(0);
        Batches.validate("input (epoch 0)", u, d);

        FlowParameters start = initial.copy();
        int initRows = Math.min(nTrain, Math.max(options.batchSize(), 2));
        if (ActNormInit.needed(spec) && initRows >= 2) {
            ActNormInit.initialize(spec, start, Batches.select(u, trainIdx, 0, initRows),
                    cd > 0 ? Batches.select(ctx, trainIdx, 0, initRows) : null);
        }

        int stepsPerEpoch = (nTrain + options.batchSize() - 1) / options.batchSize();
        int totalSteps = Math.max(1, stepsPerEpoch * options.epochs());
        int warmup = (int) Math.min(TrainingOptions.MAX_WARMUP_STEPS,
                Math.round(TrainingOptions.WARMUP_FRACTION * totalSteps));
        WarmupCosineSchedule schedule = new WarmupCosineSchedule(options.learningRate(), warmup, totalSteps,
                TrainingOptions.MIN_LR_FACTOR);

        try (FlowGraph graph = FlowGraph.build(spec, start); Updates updates = new Updates(graph, options)) {
            Map<String, float[]> lastGood = graph.snapshot();
            double initialVal = evaluate(graph, valU, ctx, valIdx);
            Map<String, float[]> best = lastGood;
            double bestVal = Double.isFinite(initialVal) ? initialVal : Double.POSITIVE_INFINITY;
            int bestEpoch = -1;
            int bad = 0;
            int rollbacks = 0;
            double lrScale = 1.0;
            int iteration = 0;
            boolean stopped = false;
            List<EpochStats> history = new ArrayList<>();
            float[] xBuf = new float[options.batchSize() * d];
            float[] cBuf = new float[options.batchSize() * cd];
            boolean firstPass = true;
            int epoch = 0;
            while (epoch < options.epochs()) {
                if (!firstPass || epoch > 0) {
                    u = data.inputs(epoch);
                    Batches.validate("input (epoch " + epoch + ")", u, d);
                }
                firstPass = false;
                Shuffle.inPlace(trainIdx, rng);
                long t0 = System.nanoTime();
                double lossSum = 0;
                double lr = 0;
                String failure = null;
                for (int from = 0; from < nTrain; from += options.batchSize()) {
                    int to = Math.min(nTrain, from + options.batchSize());
                    INDArray xb = Batches.gather(u, trainIdx, from, to, d, xBuf);
                    INDArray cb = Batches.gather(ctx, trainIdx, from, to, cd, cBuf);
                    FlowGraph.Step step = graph.step(xb, cb);
                    xb.close();
                    if (cb != null) {
                        cb.close();
                    }
                    lr = schedule.valueAt(iteration, epoch) * lrScale;
                    double norm = Double.isFinite(step.loss()) ? Updates.globalNorm(step.gradients()) : Double.NaN;
                    if (!Double.isFinite(step.loss()) || !Double.isFinite(norm)) {
                        failure = "loss " + step.loss() + ", gradient norm " + norm + " at epoch " + epoch
                                + ", records " + from + ".." + to;
                        break;
                    }
                    updates.apply(step.gradients(), norm, lr, epoch);
                    lossSum += step.loss() * (to - from);
                    iteration++;
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double valNll = Double.NaN;
                Map<String, float[]> snap = null;
                if (failure == null) {
                    valNll = evaluate(graph, valU, ctx, valIdx);
                    snap = graph.snapshot();
                    if (!Double.isFinite(valNll) || !allFinite(snap)) {
                        failure = "validation NLL " + valNll + " after epoch " + epoch;
                    }
                }
                if (failure != null) {
                    rollbacks++;
                    if (rollbacks > options.maxRollbacks()) {
                        throw new TrainingDivergedException("training diverged: " + failure + "; still non-finite after "
                                + options.maxRollbacks() + " rollback(s) with the learning rate halved each time (last "
                                + lr + "). Lower TrainingOptions.learningRate or clipNorm, or check the inputs'"
                                + " scale");
                    }
                    LOG.warn("non-finite training state ({}); restoring the {} weights and halving the learning rate",
                            failure, epoch == 0 ? "initial" : "epoch " + (epoch - 1));
                    graph.restore(lastGood);
                    updates.reset();
                    lrScale *= 0.5;
                    continue;
                }
                lastGood = snap;
                if (valNll < bestVal) {
                    bestVal = valNll;
                    best = snap;
                    bestEpoch = epoch;
                    bad = 0;
                } else {
                    bad++;
                }
                EpochStats stats = new EpochStats(epoch, lossSum / nTrain, valNll, nTrain / seconds, lr, rollbacks);
                history.add(stats);
                LOG.debug("{}", stats);
                progress.onEpoch(stats);
                epoch++;
                if (bad >= options.patience()) {
                    stopped = epoch < options.epochs();
                    break;
                }
            }
            graph.restore(best);
            FlowParameters result = graph.parameters();
            result.checkFinite();
            LOG.info("trained {} epochs on {} records: best validation NLL {} at epoch {} ({} rollbacks)",
                    history.size(), nTrain, bestVal, bestEpoch, rollbacks);
            return new TrainingResult(result, history, bestVal, bestEpoch, rollbacks, stopped, nTrain, valIdx);
        }
    }

    /** Mean negative log-density (flow space) of the rows {@code idx}, in batches. */
    static double evaluate(FlowGraph graph, double[][] u, double[][] ctx, int[] idx) {
        int d = graph.spec().dim();
        int cd = graph.spec().contextDim();
        double sum = 0;
        float[] xb = new float[0];
        float[] cb = new float[0];
        for (int from = 0; from < idx.length; from += EVAL_BATCH) {
            int to = Math.min(idx.length, from + EVAL_BATCH);
            INDArray x = Batches.gather(u, idx, from, to, d, xb);
            INDArray c = Batches.gather(ctx, idx, from, to, cd, cb);
            for (double lp : graph.logProb(x, c)) {
                sum -= lp;
            }
            x.close();
            if (c != null) {
                c.close();
            }
        }
        return sum / idx.length;
    }

    private static boolean allFinite(Map<String, float[]> snap) {
        for (float[] v : snap.values()) {
            for (float f : v) {
                if (!Float.isFinite(f)) {
                    return false;
                }
            }
        }
        return true;
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
