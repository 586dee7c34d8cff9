package io.normalcy.flow.train;

import io.normalcy.flow.model.FlowParameters;
import java.util.List;

/**
 * Outcome of {@link FlowTrainer#fit}.
 *
 * @param best           float32 weights of the epoch with the lowest validation NLL (all finite)
 * @param history        per-epoch statistics, in order
 * @param bestValNll     validation NLL of {@code best} (flow space, nats per record)
 * @param bestEpoch      epoch of {@code best}, or −1 when no epoch improved on the initial weights
 * @param rollbacks      non-finite events recovered from
 * @param stoppedEarly   whether early stopping ended training before {@link TrainingOptions#epochs()}
 * @param trainRecords   size of the training split
 * @param validationRows indices (into the training data) of the held-out validation records, e.g. for
 *                       threshold calibration on data the flow was not fitted to; all rows when
 *                       {@link TrainingOptions#validationFraction()} is 0
 */
public record TrainingResult(FlowParameters best, List<EpochStats> history, double bestValNll, int bestEpoch,
                             int rollbacks, boolean stoppedEarly, int trainRecords, int[] validationRows) {
    public TrainingResult {
        history = List.copyOf(history);
        validationRows = validationRows.clone();
    }

    @Override
    public int[] validationRows() {
        return validationRows.clone();
    }
}
