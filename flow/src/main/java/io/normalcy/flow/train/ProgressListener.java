package io.normalcy.flow.train;

/** Called by {@link FlowTrainer} after every epoch (on the training thread; keep it quick). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = stats -> { };

    void onEpoch(EpochStats stats);

    /**
     * An epoch of one flow auto candidate, {@code candidate} its label (e.g. {@code MAF_MOG K=3 3×[32, 32]}).
     * Successive halving trains the candidates by turns, rung after rung, so their epochs arrive interleaved and
     * each candidate counts its own from 0: without the label a reader cannot follow one candidate's curve. By
     * default as {@link #onEpoch}.
     */
    default void onCandidateEpoch(String candidate, EpochStats stats) {
        onEpoch(stats);
    }
}
