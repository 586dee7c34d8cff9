package io.normalcy.bench.quality;

import com.amazon.randomcutforest.RandomCutForest;
import io.normalcy.demo.DemoEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

/**
 * The unconditional peers, each run the way it is normally used and given the same data budget as the flows: the
 * flows train on 75 % of the history and calibrate on the other 25 %, so the peers train on the first 75 % and set
 * their thresholds on the last 25 % ({@link MethodScores#withHeldOutQuantiles}). Neither peer calibrates per
 * context; they have no notion of one.
 */
final class PeerMethods {
    /** Share of the history the peers train on; the rest is their clean threshold hold-out. */
    static final double TRAIN_SHARE = 0.75;
    static final int RCF_TREES = 50;
    static final int RCF_SAMPLE = 256;
    static final int IF_TREES = 100;
    static final int IF_SAMPLE = 256;

    private PeerMethods() {
    }

    /**
     * AWS Random Cut Forest as a streaming detector: shingle size 1, 50 trees, sample size 256 (its defaults
     * otherwise, including time decay). It first ingests the training part ({@code update}), then scores and
     * ingests the hold-out and the test stream in event order — score before update, as in a live stream, so
     * the anomalies it has seen do enter its sample. Higher score = more anomalous.
     */
    static MethodScores rcf(List<DemoEvent> history, List<DemoEvent> test, boolean withContext, long seed) {
        long t0 = System.nanoTime();
        int cut = (int) (history.size() * TRAIN_SHARE);
        PeerFeatures f = PeerFeatures.fit(history.subList(0, cut), withContext);
        RandomCutForest forest = RandomCutForest.builder()
                .dimensions(f.dimension())
                .shingleSize(1)
                .numberOfTrees(RCF_TREES)
                .sampleSize(RCF_SAMPLE)
                .randomSeed(seed)
                .parallelExecutionEnabled(false)
                .build();
        for (DemoEvent e : history.subList(0, cut)) {
            forest.update(f.encode(e));
        }
        double[] heldOut = scoreAndUpdate(forest, f, history.subList(cut, history.size()));
        double[] scores = scoreAndUpdate(forest, f, test);
        return MethodScores.withHeldOutQuantiles("RCF", f.inputs(), scores, heldOut, (System.nanoTime() - t0) / 1e9,
                false);
    }

    private static double[] scoreAndUpdate(RandomCutForest forest, PeerFeatures f, List<DemoEvent> events) {
        double[] s = new double[events.size()];
        for (int i = 0; i < s.length; i++) {
            double[] x = f.encode(events.get(i));
            s[i] = forest.getAnomalyScore(x);
            forest.update(x);
        }
        return s;
    }

    /**
     * Smile's isolation forest with the original paper's settings (Liu, Ting and Zhou 2008): 100 trees, each on
     * 256 points drawn without replacement, height limit ⌈log2 256⌉ = 8, axis-parallel cuts (extension level 0).
     * Smile's own {@code fit} builds trees in a parallel stream on thread-local random generators, which is not
     * reproducible; the trees are built here on one seeded thread with Smile's {@link IsolationTree} instead, and
     * normalized by c(256) as in the paper. Fitted on the training part, scores are Smile's 2^(−E[h]/c).
     */
    static MethodScores isolationForest(List<DemoEvent> history, List<DemoEvent> test, boolean withContext,
                                        long seed) {
        long t0 = System.nanoTime();
        int cut = (int) (history.size() * TRAIN_SHARE);
        PeerFeatures f = PeerFeatures.fit(history.subList(0, cut), withContext);
        double[][] train = f.encode(history.subList(0, cut));
        MathEx.setSeed(seed);
        Random rnd = new Random(seed);
        int sample = Math.min(IF_SAMPLE, train.length);
        int depth = (int) Math.ceil(Math.log(sample) / Math.log(2));
        IsolationTree[] trees = new IsolationTree[IF_TREES];
        for (int t = 0; t < trees.length; t++) {
            trees[t] = new IsolationTree(sampleWithoutReplacement(train, sample, rnd), depth, 0);
        }
        IsolationForest forest = new IsolationForest(sample, 0, trees);
        double[] heldOut = score(forest, f.encode(history.subList(cut, history.size())));
        double[] scores = score(forest, f.encode(test));
        return MethodScores.withHeldOutQuantiles("iForest", f.inputs(), scores, heldOut,
                (System.nanoTime() - t0) / 1e9, false);
    }

    private static double[] score(IsolationForest forest, double[][] x) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = forest.score(x[i]);
        }
        return s;
    }

    /** Partial Fisher–Yates shuffle: the first {@code m} of a random permutation. */
    private static List<double[]> sampleWithoutReplacement(double[][] data, int m, Random rnd) {
        int[] idx = new int[data.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        List<double[]> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
            out.add(data[idx[i]]);
        }
        return out;
    }
}
