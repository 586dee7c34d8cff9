package io.normalcy.flow.train;

import java.time.Duration;

/**
 * A {@link FlowTrainer} fit that can pause after any epoch and resume later, from {@link FlowTrainer#start}.
 *
 * <p>Why: flow auto selection compares candidates at equal epochs (successive halving) and only the better ones
 * train on. Pausing keeps everything a continued run needs — the weights, Adam's moments and step count, the
 * learning-rate schedule's position, the best epoch and the early-stopping counter, the shuffling RNG — so a
 * candidate resumed after a rung follows exactly the trajectory of one uninterrupted {@link FlowTrainer#fit} with
 * the same options (tested), instead of restarting its optimiser from the weights. The schedule spans
 * {@link TrainingOptions#epochs()} however the epochs are split into calls.
 *
 * <p>Holds a graph (or manual flow) with native memory until {@link #close()}; not thread-safe.
 */
public final class TrainingSession implements AutoCloseable {
    private final TrainableFlow graph;
    private final Updates updates;
    private final TrainingRun run;
    private boolean done;

    TrainingSession(TrainableFlow graph, Updates updates, TrainingRun run) {
        this.graph = graph;
        this.updates = updates;
        this.run = run;
    }

    /**
     * Trains on until {@code totalEpochs} epochs have run in all calls together (at most
     * {@link TrainingOptions#epochs()}), early stopping, or the end of the first epoch past {@code timeLimit} from
     * now; at least one epoch when any remain.
     *
     * @param timeLimit null = none
     * @throws TrainingDivergedException when the loss stays non-finite after the allowed rollbacks
     * @throws IllegalStateException     after {@link #finish()} or {@link #close()}
     */
    public void advance(int totalEpochs, Duration timeLimit) {
        advanceUntil(totalEpochs, timeLimit == null ? Long.MAX_VALUE : System.nanoTime() + saturated(timeLimit));
    }

    /** {@link #advance} with an absolute {@code System.nanoTime()} deadline ({@code Long.MAX_VALUE}: none). */
    void advanceUntil(int totalEpochs, long deadline) {
        if (done) {
            throw new IllegalStateException("training session already finished");
        }
        run.advance(totalEpochs, deadline);
    }

    /** Epochs run so far. */
    public int epochs() {
        return run.epochs();
    }

    /** Lowest validation NLL so far (flow space, nats/record); that of the start weights before any epoch. */
    public double bestValNll() {
        return run.bestValNll();
    }

    /** Whether more epochs would change nothing: early stopping triggered or every planned epoch ran. */
    public boolean finished() {
        return run.finished();
    }

    /** The best weights and the whole history; ends the session (it is closed afterwards). */
    public TrainingResult finish() {
        if (done) {
            throw new IllegalStateException("training session already finished");
        }
        try {
            return run.finish();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            try {
                updates.close();
            } finally {
                graph.close();
            }
        }
    }

    private static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
