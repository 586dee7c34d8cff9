package io.normalcy.flow.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The nonparametric bootstrap (Efron and Tibshirani 1993) of the thresholds as stored: each replicate resamples the
 * held-out rows of every node of a group with replacement (stratified: each node keeps its n), refits them exactly as
 * {@link ThresholdCalibrator} did — location, tail threshold u, GPD and, for a pooled group, the pooled centred
 * values and the blend ({@link TailPooling}) — and reads off the thresholds.
 *
 * <p>Why the whole estimator and not the node's own tail: a pooled combination's stored threshold is its location
 * plus w·(own offset) + (1 − w)·(its siblings' pooled offset), and with few own rows w is small, so its sampling
 * spread is mostly that of the pooled offset, which rests on all the siblings' rows. The interval of its own tail
 * alone is wider and is centred on a threshold the model does not store.
 */
final class ThresholdBootstrap {
    private ThresholdBootstrap() {
    }

    /**
     * Replicates of each group member's threshold at each level: {@code out.get(scope)[l][b]}. The only resampling
     * loop of the thresholds: a single node's replicates are its own tail refitted ({@link LowerTail#fit}) on
     * resamples of its own rows alone.
     *
     * @param group  one node, or the siblings pooled together (in the calibrator's order)
     * @param pooled whether the group's thresholds are pooled
     */
    static Map<String, double[][]> replicates(List<NodeFit> group, boolean pooled, double[] levels, int replicates,
                                              long seed, GpdFitter fitter) {
        if (replicates < 20) {
            throw new IllegalArgumentException("need at least 20 bootstrap replicates, got " + replicates);
        }
        double priorRows = group.stream().filter(NodeFit::pooled).mapToDouble(NodeFit::priorRows).findFirst()
                .orElse(0);
        Map<String, double[][]> out = new LinkedHashMap<>();
        group.forEach(n -> out.put(n.node().scope(), new double[levels.length][replicates]));
        Random rng = new Random(seed);
        for (int b = 0; b < replicates; b++) {
            List<NodeFit> resampled = new ArrayList<>(group.size());
            for (NodeFit n : group) {
                resampled.add(n.count() == 0 ? n : resample(n, rng, fitter));
            }
            if (pooled) {
                resampled = TailPooling.pool(resampled, priorRows, group.get(0).minContextSamples(), fitter);
            }
            for (NodeFit r : resampled) {
                double[][] t = out.get(r.node().scope());
                for (int l = 0; l < levels.length; l++) {
                    t[l][b] = r.count() == 0 ? Double.NaN : r.threshold(levels[l]);
                }
            }
        }
        return out;
    }

    private static NodeFit resample(NodeFit n, Random rng, GpdFitter fitter) {
        double[] sorted = n.sortedValues();
        double[] resample = new double[sorted.length];
        for (int i = 0; i < resample.length; i++) {
            resample[i] = sorted[rng.nextInt(sorted.length)];
        }
        return new NodeFit(n.node(), resample, n.minContextSamples(), fitter);
    }
}
