package io.normalcy.flow.fit;

import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.flow.train.TrainingData;
import java.util.Random;

/**
 * The trainer split as {@link TrainingData} in flow space: integer features get fresh U(0,1) dequantisation noise
 * per epoch (Theis et al. 2016) and fixed noise for validation, so every fit of the same rows and seed sees the same
 * rows per epoch — which is what lets auto selection's candidates share one instance and compare.
 */
final class FlowSpaceRows {
    private FlowSpaceRows() {
    }

    static TrainingData of(FeaturePreprocessor pre, double[][] raw, double[][] ctx, long seed) {
        boolean anyDequantized = pre.features().stream().anyMatch(f -> f.binWidth() > 0);
        int d = pre.dimension();
        if (!anyDequantized) {
            double[][] u = new double[raw.length][d];
            for (int i = 0; i < raw.length; i++) {
                pre.continuousToFlowSpace(raw[i], u[i], null);
            }
            return TrainingData.of(u, ctx);
        }
        return TrainingData.perEpoch(raw.length, ctx, epoch -> {
            Random rng = new Random(seed * 31 + epoch + 1);
            double[][] u = new double[raw.length][d];
            for (int i = 0; i < raw.length; i++) {
                pre.continuousToFlowSpace(pre.dequantize(raw[i], rng), u[i], null);
            }
            return u;
        });
    }
}
