package io.normalcy.flow.train;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the epoch loop ({@link TrainingRun}) and the optimiser ({@link Updates}) need from a trainable flow, so
 * that either engine of {@link TrainingEngine} can sit behind them: the SameDiff graph ({@link FlowGraph}) or the
 * hand-written pass ({@link ManualFlow}).
 */
interface TrainableFlow extends AutoCloseable {

    FlowSpec spec();

    /** Trainable tensor names in canonical order (the order the per-tensor clip norm is summed in). */
    Set<String> trainableNames();

    /** The live array of a trainable tensor (Adam updates it in place; do not close). */
    INDArray array(String tensorName);

    /**
     * All trainable values in one contiguous array, or null when the tensors live apart. When present, the
     * tensors whose rank is 2 (the ones weight decay applies to) come first, {@link #decayedLength()} values.
     */
    default INDArray flatParameters() {
        return null;
    }

    /** Number of leading values of {@link #flatParameters()} that belong to rank-2 tensors. */
    default long decayedLength() {
        return 0;
    }

    /** Loss and gradients of one mini-batch. */
    Step step(INDArray x, INDArray c);

    /** Per-record flow-space log-density of a batch ({@code c} null when C = 0). */
    double[] logProb(INDArray x, INDArray c);

    /** Copy of every trainable tensor (name → row-major values). */
    Map<String, float[]> snapshot();

    /** Writes a {@link #snapshot()} back. */
    void restore(Map<String, float[]> snap);

    /** Current weights in {@link FlowSpec#expectedShapes()} order (structural tensors included). */
    FlowParameters parameters();

    @Override
    void close();

    /**
     * Loss and gradients of one step, keyed by tensor name. {@code flatGradients} is null, or (with
     * {@link #flatParameters()}) the same gradients as one array laid out like the parameters, of which the
     * per-tensor arrays are views. The optimiser consumes (overwrites) the gradients.
     */
    record Step(double loss, Map<String, INDArray> gradients, INDArray flatGradients) {
    }
}
