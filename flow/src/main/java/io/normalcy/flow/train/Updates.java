package io.normalcy.flow.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * The optimiser step of {@link FlowTrainer}: global-norm clipping, ND4J's Adam (Kingma &amp; Ba 2015) per
 * variable and ND4J's decoupled {@link WeightDecay} (AdamW, Loshchilov &amp; Hutter 2019) on weight
 * matrices only (rank-2 tensors: MADE weights and the LU factors; biases, ActNorm and log-diagonals are
 * not decayed). Adam's moments can be {@link #reset()} after a rollback; its bias correction restarts
 * with them.
 *
 * <p>When the flow keeps its parameters in one flat array ({@link TrainableFlow#flatParameters()}, the manual
 * engine), the same element-wise rules run once over the whole array — one Adam updater, one norm, one decay
 * call over the leading rank-2 values — instead of once per tensor: the same update per element, a few ND4J
 * calls per step instead of ~5 per tensor.
 */
final class Updates implements AutoCloseable {
    private final TrainableFlow graph;
    private final TrainingOptions options;
    private final Adam adam;
    private final WeightDecay decay;
    private final Map<String, AdamUpdater> updaters = new LinkedHashMap<>();
    private final Map<String, INDArray> states = new LinkedHashMap<>();
    private final INDArray flat;
    private final INDArray flatDecayed;
    /** the leading rank-2 view of the last flat gradient array seen (the manual engine reuses one array) */
    private INDArray gradArray;
    private INDArray gradDecayed;
    private int iteration;

    Updates(TrainableFlow graph, TrainingOptions options) {
        this.graph = graph;
        this.options = options;
        this.adam = new Adam(options.learningRate());
        this.decay = options.weightDecay() > 0 ? new WeightDecay(options.weightDecay(), true) : null;
        this.flat = graph.flatParameters();
        this.flatDecayed = flat != null && graph.decayedLength() > 0
                ? flat.get(NDArrayIndex.interval(0, graph.decayedLength())) : null;
        reset();
    }

    /** Zeroes Adam's moments and restarts its step count. */
    void reset() {
        close();
        if (flat != null) {
            updaters.put("", updater(flat));
        } else {
            for (String name : graph.trainableNames()) {
                updaters.put(name, updater(graph.array(name)));
            }
        }
        iteration = 0;
    }

    private AdamUpdater updater(INDArray param) {
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2 * param.length());
        AdamUpdater u = new AdamUpdater(adam);
        u.setStateViewArray(state, param.shape(), 'c', true);
        states.put(String.valueOf(states.size()), state);
        return u;
    }

    /** L2 norm over all gradients of a step (NaN if any is missing a value). */
    static double globalNorm(TrainableFlow.Step step) {
        if (step.flatGradients() != null) {
            return step.flatGradients().norm2Number().doubleValue();
        }
        return globalNorm(step.gradients());
    }

    /** L2 norm over all gradients (NaN if any is missing a value). */
    static double globalNorm(Map<String, INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            if (g != null) {
                double n = g.norm2Number().doubleValue();
                sq += n * n;
            }
        }
        return Math.sqrt(sq);
    }

    /** One step with learning rate {@code lr}: gradients are clipped to {@code clipNorm}, then consumed. */
    void apply(TrainableFlow.Step step, double norm, double lr, int epoch) {
        double scale = norm > options.clipNorm() ? options.clipNorm() / norm : 1.0;
        adam.setLearningRate(lr);
        if (flat != null) {
            INDArray g = step.flatGradients();
            if (scale < 1.0) {
                g.muli(scale);
            }
            updaters.get("").applyUpdater(g, iteration, epoch);
            if (decay != null && flatDecayed != null) {
                if (g != gradArray) {
                    gradArray = g;
                    gradDecayed = g.get(NDArrayIndex.interval(0, flatDecayed.length()));
                }
                decay.apply(flatDecayed, gradDecayed, lr, iteration, epoch);
            }
            flat.subi(g);
            iteration++;
            return;
        }
        for (Map.Entry<String, INDArray> e : step.gradients().entrySet()) {
            INDArray g = e.getValue();
            if (g == null) {
                continue;
            }
            if (scale < 1.0) {
                g.muli(scale);
            }
            INDArray param = graph.array(e.getKey());
            updaters.get(e.getKey()).applyUpdater(g, iteration, epoch);
            if (decay != null && param.rank() == 2) {
                decay.apply(param, g, lr, iteration, epoch);
            }
            param.subi(g);
        }
        iteration++;
    }

    @Override
    public void close() {
        for (INDArray s : states.values()) {
            s.close();
        }
        states.clear();
        updaters.clear();
    }
}
