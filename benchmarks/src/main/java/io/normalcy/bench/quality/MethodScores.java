package io.normalcy.bench.quality;

/**
 * What one method made of the test stream: an anomaly score per event (higher = more anomalous, so every method
 * is ranked the same way) and its alerts at the two configured levels. Keeping the alerts separate from the
 * score matters: AUROC/AUPRC judge the ranking alone, recall and false-alarm rate judge the ranking <em>and</em>
 * where the method's own threshold put the cut, which is what an operator lives with.
 *
 * @param name      short label used in tables, CSVs and plots
 * @param inputs    what the method was given, e.g. "features" or "features + context"
 * @param threshold how its thresholds were set, for the report
 * @param score     anomaly score of each test event
 * @param warning   alert at the 0.01 level (warning or critical)
 * @param critical  alert at the 0.001 level
 * @param seconds   wall time of fitting and scoring, for the report
 * @param density   true when {@code score} is −log p(x | c) in the generator's units (the flows, the exact density):
 *                  only then is its mean against the exact density's an NLL gap ({@link Detection#nllGap})
 */
public record MethodScores(String name, String inputs, String threshold, double[] score, boolean[] warning,
                           boolean[] critical, double seconds, boolean density) {

    public MethodScores {
        if (score.length != warning.length || score.length != critical.length) {
            throw new IllegalArgumentException(name + ": " + score.length + " scores but " + warning.length + "/"
                    + critical.length + " alert flags");
        }
    }

    /** A method whose score is not a log-density (the peers). */
    public MethodScores(String name, String inputs, String threshold, double[] score, boolean[] warning,
                        boolean[] critical, double seconds) {
        this(name, inputs, threshold, score, warning, critical, seconds, false);
    }

    /**
     * Scores of a peer without calibrated thresholds of its own: its cuts are the (1 − level)-quantiles of its
     * scores on clean held-out events, the same false-alarm budget the flows calibrate to.
     */
    static MethodScores withHeldOutQuantiles(String name, String inputs, double[] test, double[] heldOut,
                                             double seconds, boolean density) {
        double[] sorted = heldOut.clone();
        java.util.Arrays.sort(sorted);
        double warn = Metrics.upperQuantile(sorted, 0.01);
        double crit = Metrics.upperQuantile(sorted, 0.001);
        boolean[] w = new boolean[test.length];
        boolean[] c = new boolean[test.length];
        for (int i = 0; i < test.length; i++) {
            w[i] = test[i] > warn;
            c[i] = test[i] > crit;
        }
        String rule = String.format(java.util.Locale.ROOT, "0.99/0.999 quantiles of %,d clean held-out scores",
                heldOut.length);
        return new MethodScores(name, inputs, rule, test, w, c, seconds, density);
    }
}
