package io.normalcy.flow.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * The optimiser step of {@link FlowTrainer}: global-norm clipping, ND4J's Adam (Kingma &amp; Ba 2015) per
 * variable and ND4J's decoupled {@link WeightDecay} (AdamW, Loshchilov &amp; Hutter 2019) on weight
 * matrices only (rank-2 tensors: MADE weights and the LU factors; biases, ActNorm and log-diagonals are
 * not decayed). Adam's moments can be {@link #reset()} after a rollback; its bias correction restarts
 * with them.
 */
final class Updates implements AutoCloseable {
    private final FlowGraph graph;
    private final TrainingOptions options;
    private final Adam adam;
    private final WeightDecay decay;
    private final Map<String, AdamUpdater> updaters = new LinkedHashMap<>();
    private final Map<String, INDArray> states = new LinkedHashMap<>();
    private int iteration;

    Updates(FlowGraph graph, TrainingOptions options) {
        this.graph = graph;
        this.options = options;
        this.adam = new Adam(options.learningRate());
        this.decay = options.weightDecay() > 0 ? new WeightDecay(options.weightDecay(), true) : null;
        reset();
    }

    /** Zeroes Adam's moments and restarts its step count. */
    void reset() {
        close();
        for (String name : graph.trainableVariables().keySet()) {
            INDArray param = graph.array(name);
            INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2 * param.length());
            AdamUpdater u = new AdamUpdater(adam);
            u.setStateViewArray(state, param.shape(), 'c', true);
            updaters.put(name, u);
            states.put(name, state);
        }
        iteration = 0;
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
    void apply(Map<String, INDArray> grads, double norm, double lr, int epoch) {
        double scale = norm > options.clipNorm() ? options.clipNorm() / norm : 1.0;
        adam.setLearningRate(lr);
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
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
