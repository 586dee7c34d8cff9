package io.normalcy.flow.train;

/** Called by {@link FlowTrainer} after every epoch (on the training thread; keep it quick). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = stats -> { };

    void onEpoch(EpochStats stats);
}
