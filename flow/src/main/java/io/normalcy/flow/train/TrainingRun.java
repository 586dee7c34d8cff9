package io.normalcy.flow.train;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.Shuffle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop of one {@link FlowTrainer#fit} or {@link TrainingSession}, with the state it carries from epoch to
 * epoch: the last good and the best weights (early stopping), the rollback count and learning-rate scale (recovery
 * from a non-finite state), the Adam step count, the epochs run and the history. Because all of it lives here
 * (and Adam's moments in {@link Updates}), {@link #advance} can stop after any epoch and a later call continues
 * exactly where it stopped: the same trajectory as one uninterrupted run. One instance per fit; the caller owns and
 * closes the graph.
 */
final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    private static final int EVAL_BATCH = 4096;

    private final TrainableFlow graph;
    private final Updates updates;
    private final TrainingOptions options;
    private final WarmupCosineSchedule schedule;
    private final TrainingData data;
    private final Split split;
    private final Random rng;
    private final ProgressListener progress;
    private final double[][] ctx;
    private final double[][] validationInputs;
    private final float[] xBuf;
    private final float[] cBuf;
    private final List<EpochStats> history = new ArrayList<>();

    private Map<String, float[]> lastGood;
    private Map<String, float[]> best;
    private double bestVal;
    private int bestEpoch = -1;
    private int epochsWithoutImprovement;
    private int rollbacks;
    private double lrScale = 1.0;
    private int iteration;
    /** Epochs completed (rolled-back attempts not counted). */
    private int epoch;
    /** The rows of epoch 0 fetched for the data-dependent initialisation, until the first epoch uses them. */
    private double[][] pending;

    /** Training rows (shuffled every epoch) and validation rows, as indices into the data. */
    record Split(int[] train, int[] validation) {
    }

    /** One pass over the training rows: the summed loss, the last learning rate, and why it failed (or null). */
    private record Pass(double lossSum, double lr, String failure) {
    }

    /**
     * Records the start weights and their validation NLL (the bar the first epoch must beat).
     *
     * @param validationInputs the fixed validation view ({@code data.inputs(VALIDATION)})
     * @param epoch0           the rows of epoch 0 (fetched once for the data-dependent initialisation); later
     *                         epochs, and epoch 0 when it is repeated after a rollback, fetch their own
     */
    TrainingRun(TrainableFlow graph, Updates updates, TrainingOptions options, WarmupCosineSchedule schedule,
                TrainingData data, double[][] validationInputs, Split split, Random rng, ProgressListener progress,
                double[][] epoch0) {
        this.graph = graph;
        this.updates = updates;
        this.options = options;
        this.schedule = schedule;
        this.data = data;
        this.split = split;
        this.rng = rng;
        this.progress = progress;
        this.pending = epoch0;
        this.ctx = data.context();
        this.validationInputs = validationInputs;
        int d = graph.spec().dim();
        this.xBuf = new float[options.batchSize() * d];
        this.cBuf = new float[options.batchSize() * graph.spec().contextDim()];
        lastGood = graph.snapshot();
        best = lastGood;
        double initialVal = validationNll();
        bestVal = Double.isFinite(initialVal) ? initialVal : Double.POSITIVE_INFINITY;
    }

    /**
     * Trains on until {@code untilEpoch} epochs have completed in total (at most {@link TrainingOptions#epochs()}),
     * early stopping, or the first epoch that ends past {@code deadline}; at least one epoch when any remain. A
     * failed epoch (non-finite loss, gradient norm or validation NLL) is rolled back and repeated with half the
     * learning rate.
     *
     * @param deadline {@code System.nanoTime()} after which no further epoch starts ({@code Long.MAX_VALUE}: none)
     * @throws TrainingDivergedException after more than {@link TrainingOptions#maxRollbacks()} failures
     */
    void advance(int untilEpoch, long deadline) {
        int target = Math.min(untilEpoch, options.epochs());
        while (epoch < target && !patienceSpent()) {
            double[][] u = pending != null ? pending : data.inputs(epoch, graph.spec().dim());
            pending = null;
            if (!runEpoch(u, epoch)) {
                continue;
            }
            epoch++;
            if (pastDeadline(deadline)) {
                break;
            }
        }
    }

    /** Epochs completed so far. */
    int epochs() {
        return epoch;
    }

    /** The lowest validation NLL so far (that of the start weights before the first epoch). */
    double bestValNll() {
        return bestVal;
    }

    /** Whether training is over: early stopping triggered or every epoch of {@link TrainingOptions#epochs()} ran. */
    boolean finished() {
        return epoch >= options.epochs() || patienceSpent();
    }

    private boolean patienceSpent() {
        return epochsWithoutImprovement >= options.patience();
    }

    /** One epoch: trains, validates, then either rolls back (false) or records the epoch (true). */
    private boolean runEpoch(double[][] u, int epoch) {
        Shuffle.inPlace(split.train(), rng);
        long t0 = System.nanoTime();
        Pass pass = trainPass(u, epoch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (pass.failure() != null) {
            rollback(pass.failure(), epoch, pass.lr());
            return false;
        }
        double valNll = validationNll();
        Map<String, float[]> snap = graph.snapshot();
        if (!Double.isFinite(valNll) || !allFinite(snap)) {
            rollback("validation NLL " + valNll + " after epoch " + epoch, epoch, pass.lr());
            return false;
        }
        accept(epoch, snap, valNll, pass, seconds);
        return true;
    }

    /** Adam steps over the shuffled training rows; stops at the first non-finite loss or gradient norm. */
    private Pass trainPass(double[][] u, int epoch) {
        int[] trainIdx = split.train();
        int nTrain = trainIdx.length;
        int d = graph.spec().dim();
        int cd = graph.spec().contextDim();
        double lossSum = 0;
        double lr = 0;
        int[] rows = nTrain == 1 ? new int[] {trainIdx[0], trainIdx[0]} : trainIdx;
        for (int from = 0; from < nTrain; from = Batches.end(nTrain, from, options.batchSize())) {
            int to = Batches.end(nTrain, from, options.batchSize());
            int gatherTo = nTrain == 1 ? 2 : to;
            INDArray xb = Batches.gather(u, rows, from, gatherTo, d, xBuf);
            INDArray cb = Batches.gather(ctx, rows, from, gatherTo, cd, cBuf);
            TrainableFlow.Step step = graph.step(xb, cb);
            xb.close();
            if (cb != null) {
                cb.close();
            }
            lr = schedule.valueAt(iteration, epoch) * lrScale;
            double norm = Double.isFinite(step.loss()) ? Updates.globalNorm(step) : Double.NaN;
            if (!Double.isFinite(step.loss()) || !Double.isFinite(norm)) {
                return new Pass(lossSum, lr, "loss " + step.loss() + ", gradient norm " + norm + " at epoch " + epoch
                        + ", records " + from + ".." + to);
            }
            updates.apply(step, norm, lr, epoch);
            lossSum += step.loss() * (to - from);
            iteration++;
        }
        return new Pass(lossSum, lr, null);
    }

    /** Restores the last good weights, resets Adam and halves the learning rate, or gives up. */
    private void rollback(String failure, int epoch, double lr) {
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
    }

    /** Keeps a finished epoch: last good and (if better) best weights, history, progress. */
    private void accept(int epoch, Map<String, float[]> snap, double valNll, Pass pass, double seconds) {
        lastGood = snap;
        if (valNll < bestVal) {
            bestVal = valNll;
            best = snap;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
        }
        int nTrain = split.train().length;
        EpochStats stats = new EpochStats(epoch, pass.lossSum() / nTrain, valNll, nTrain / seconds, pass.lr(),
                rollbacks);
        history.add(stats);
        LOG.debug("{}", stats);
        progress.onEpoch(stats);
    }

    /**
     * Restores the best weights into the graph and returns them with the history; training should not continue
     * afterwards (the live weights are no longer those of the last epoch).
     */
    TrainingResult finish() {
        boolean stopped = epoch < options.epochs();
        graph.restore(best);
        FlowParameters result = graph.parameters();
        result.checkFinite();
        int nTrain = split.train().length;
        LOG.info("trained {} epochs on {} records: best validation NLL {} at epoch {} ({} rollbacks)",
                history.size(), nTrain, bestVal, bestEpoch, rollbacks);
        return new TrainingResult(result, history, bestVal, bestEpoch, rollbacks, stopped, nTrain,
                split.validation());
    }

    /** Mean negative log-density (flow space) of the validation rows, in batches. */
    private double validationNll() {
        int[] idx = split.validation();
        int d = graph.spec().dim();
        int cd = graph.spec().contextDim();
        double sum = 0;
        float[] xb = new float[0];
        float[] cb = new float[0];
        for (int from = 0; from < idx.length; from += EVAL_BATCH) {
            int to = Math.min(idx.length, from + EVAL_BATCH);
            INDArray x = Batches.gather(validationInputs, idx, from, to, d, xb);
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

    private static boolean pastDeadline(long deadline) {
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
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
}
