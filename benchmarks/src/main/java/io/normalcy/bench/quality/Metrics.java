package io.normalcy.bench.quality;

import io.normalcy.flow.fit.ThresholdCalibrator;
import java.util.Arrays;
import java.util.Comparator;
import smile.math.special.Beta;
import smile.validation.metric.AUC;

/**
 * The few metrics the report needs, each defined once so every method is measured the same way. AUROC is Smile's
 * (rank statistic, ties get average ranks); average precision is written here because Smile has none; quantiles
 * are the flow's own (type 7), so the peers' thresholds are cut exactly as the flows' are.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Area under the ROC curve; {@code labels} 1 = anomaly, scores higher = more anomalous. */
    public static double auroc(int[] labels, double[] scores) {
        return AUC.of(labels, scores);
    }

    /**
     * Average precision = Σ (R_k − R_{k−1}) · P_k over the distinct score thresholds from the highest down: the
     * area under the precision–recall step curve (scikit-learn's definition). Tied scores form one threshold, so
     * the result does not depend on the order of ties. 1 for a perfect ranking; the share of positives for a
     * constant score.
     */
    public static double averagePrecision(int[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        int positives = 0;
        for (int y : labels) {
            positives += y;
        }
        if (positives == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double ap = 0;
        int tp = 0;
        int seen = 0;
        for (int k = 0; k < order.length; ) {
            int groupTp = 0;
            int j = k;
            while (j < order.length && scores[order[j]] == scores[order[k]]) {
                groupTp += labels[order[j]];
                j++;
            }
            tp += groupTp;
            seen += j - k;
            ap += (double) groupTp / positives * tp / seen;
            k = j;
        }
        return ap;
    }

    /** The (1 − level)-quantile of sorted clean scores: about {@code level} of normal traffic scores above it. */
    public static double upperQuantile(double[] sorted, double level) {
        return ThresholdCalibrator.quantile(sorted, 1 - level);
    }

    /**
     * Exact (Clopper–Pearson) two-sided 95 % interval for a binomial proportion with {@code k} successes in
     * {@code n} trials, via Smile's inverse regularized incomplete beta function. Exact rather than Wilson because
     * at the 0.1 % level a context sees a handful of alerts, where approximations are poor; it is conservative.
     */
    public static double[] clopperPearson(long k, long n) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, n > 0: k=" + k + ", n=" + n);
        }
        double lo = k == 0 ? 0 : Beta.inverseRegularizedIncompleteBetaFunction(k, n - k + 1, 0.025);
        double hi = k == n ? 1 : Beta.inverseRegularizedIncompleteBetaFunction(k + 1, n - k, 0.975);
        return new double[] {lo, hi};
    }

    /**
     * True-positive rate at each false-positive rate of {@code fprGrid}: the cut is the (1 − fpr)-quantile of the
     * negatives' scores, a point counts when it scores strictly above it. For plotting ROC curves on a log FPR axis,
     * where the low false-alarm end (the operating region) gets the resolution.
     */
    public static double[] tprAt(int[] labels, double[] scores, double[] fprGrid) {
        int negatives = 0;
        for (int y : labels) {
            negatives += 1 - y;
        }
        double[] neg = new double[negatives];
        double[] pos = new double[labels.length - negatives];
        int a = 0;
        int b = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                neg[a++] = scores[i];
            } else {
                pos[b++] = scores[i];
            }
        }
        Arrays.sort(neg);
        double[] tpr = new double[fprGrid.length];
        for (int g = 0; g < fprGrid.length; g++) {
            double cut = upperQuantile(neg, fprGrid[g]);
            int hits = 0;
            for (double s : pos) {
                hits += s > cut ? 1 : 0;
            }
            tpr[g] = pos.length == 0 ? Double.NaN : (double) hits / pos.length;
        }
        return tpr;
    }
}
