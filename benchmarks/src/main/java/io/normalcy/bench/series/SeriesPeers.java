package io.normalcy.bench.series;

import com.amazon.randomcutforest.RandomCutForest;

/**
 * The two peers of the outside evaluation, each streamed over the whole series from its first point (the fit part
 * is their warm-up, the same data budget as the flows' fit) and scored before it learns each point, as in a live
 * stream; only the scored part's scores are judged.
 */
final class SeriesPeers {
    /** RCF settings: the quality benchmark's 50 trees and sample 256, shingles of 8 points (40 minutes). */
    static final int RCF_TREES = 50;
    static final int RCF_SAMPLE = 256;
    static final int RCF_SHINGLE = 8;

    private SeriesPeers() {
    }

    /** NAB's windowed Gaussian with NAB's window (6,400) and step (100); see {@link WindowedGaussian}. */
    static double[] windowedGaussian(OpsSeries.Series s) {
        double[] all = WindowedGaussian.scores(s.values(), WindowedGaussian.NAB_WINDOW, WindowedGaussian.NAB_STEP);
        return java.util.Arrays.copyOfRange(all, s.fitEnd(), s.length());
    }

    /**
     * AWS Random Cut Forest on shingled values (its internal shingling: each point is the last
     * {@value #RCF_SHINGLE} values), its defaults otherwise (time decay included); score before update.
     */
    static double[] rcf(OpsSeries.Series s, long seed) {
        RandomCutForest forest = RandomCutForest.builder()
                .dimensions(RCF_SHINGLE)
                .shingleSize(RCF_SHINGLE)
                .internalShinglingEnabled(true)
                .numberOfTrees(RCF_TREES)
                .sampleSize(RCF_SAMPLE)
                .randomSeed(seed)
                .parallelExecutionEnabled(false)
                .build();
        double[] out = new double[s.length() - s.fitEnd()];
        for (int t = 0; t < s.length(); t++) {
            double[] x = {s.values()[t]};
            double score = forest.getAnomalyScore(x);
            if (t >= s.fitEnd()) {
                out[t - s.fitEnd()] = score;
            }
            forest.update(x);
        }
        return out;
    }
}
