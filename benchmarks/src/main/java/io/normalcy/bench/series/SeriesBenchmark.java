package io.normalcy.bench.series;

import io.normalcy.bench.HarnessMain;
import io.normalcy.bench.RunEnvironment;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Operational-series benchmark (issue 13, item 1 "Robust on messy real data"), one command:
 * <pre>
 *   java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *        io.normalcy.bench.series.SeriesBenchmark --out DIR [--quick] [--seed N] [--series N] [--length N]
 * </pre>
 * Why: an outside evaluation fitted one flow per real operational series (value, first difference, deviation from
 * a rolling mean; hour of day as cyclic context; fitted on the first part) and found it ranked anomaly windows no
 * better than random, where a windowed Gaussian and Random Cut Forest did far better. The causes were fixed in
 * flow, but nothing measured the outcome. This harness repeats that set-up on {@link OpsSeries} (seeded stand-ins
 * for those series with labelled windows), per series: the flow as a user gets it in two flow types
 * ({@link SeriesFlow}), NAB's windowed Gaussian and RCF ({@link SeriesPeers}); judged by point AUROC, window recall
 * at a fixed false-alarm rate and wins ({@link SeriesMetrics}), plus the flow's collapse symptom (worst training
 * row's log-density below the median). Writes {@code series.md} and {@code series.csv} into {@code --out}. A
 * harness, not a test: it fits two flows per series (minutes), so the default build only compiles it. Run with
 * {@code OMP_NUM_THREADS=1}.
 */
public final class SeriesBenchmark {
    /** Method names in table order. */
    static final String GAUSSIAN = "windowed Gaussian (NAB)";
    static final String RCF = "RCF (shingle " + SeriesPeers.RCF_SHINGLE + ")";

    private SeriesBenchmark() {
    }

    /** One method on one series: its metrics, and for a flow its collapse symptom and what it fitted. */
    record MethodResult(String method, double auroc, SeriesMetrics.Recall recall, double worstGap, boolean finite,
                        String settings, String worstRow, double seconds) {
    }

    /** One series and every method's result on it. */
    record SeriesResult(OpsSeries.Series series, List<MethodResult> methods) {
    }

    public static void main(String[] args) {
        HarnessMain.main(args, SeriesOptions::parse, SeriesBenchmark::run);
    }

    static void run(SeriesOptions o, String argLine) throws IOException {
        RunEnvironment<SeriesOptions> env = RunEnvironment.capture(o, argLine);
        Files.createDirectories(o.out());
        System.out.printf(Locale.ROOT, "series benchmark: %d series of up to %,d points, fit share %.2f, false-alarm"
                        + " rate %.4f, epochs %s, seed %d, OMP_NUM_THREADS=%s; load %s%n", o.series(), o.length(),
                o.fitShare(), o.rate(), o.epochs() == 0 ? "by size rule" : "≤ " + o.epochs(), o.seed(),
                System.getenv("OMP_NUM_THREADS"), env.loadBefore());
        long t0 = System.nanoTime();
        List<SeriesResult> results = new ArrayList<>();
        for (OpsSeries.Series s : OpsSeries.generate(o.series(), o.length(), o.fitShare(), o.seed())) {
            results.add(evaluate(s, o));
        }
        env = env.finish((System.nanoTime() - t0) / 60e9);
        try (Writer w = Files.newBufferedWriter(o.out().resolve("series.csv"))) {
            SeriesReport.writeCsv(results, w);
        }
        String md = SeriesReport.markdown(env, results);
        try (Writer w = Files.newBufferedWriter(o.out().resolve("series.md"))) {
            w.write(md);
        }
        System.out.println();
        System.out.print(SeriesReport.summaryTable(results, o.rate()));
        System.out.printf(Locale.ROOT, "%nwrote series.md, series.csv to %s (%.1f min; load %s)%n", o.out(),
                env.minutes(), env.loadAfter());
    }

    /** Every method on one series, scored on the same points with the same labels. */
    static SeriesResult evaluate(OpsSeries.Series s, SeriesOptions o) {
        int[] windowOf = new int[s.length() - s.fitEnd()];
        for (int t = s.fitEnd(); t < s.length(); t++) {
            windowOf[t - s.fitEnd()] = s.windowOf(t);
        }
        List<MethodResult> methods = new ArrayList<>();
        for (SeriesFlow.Variant v : SeriesFlow.Variant.values()) {
            long t0 = System.nanoTime();
            SeriesFlow.Result r = SeriesFlow.run(v, s, o);
            methods.add(result(v.label, r.scores(), windowOf, s, o, r.worstGap(), r.finite(), r.settings(),
                    r.worstRow(), t0));
        }
        long t0 = System.nanoTime();
        methods.add(result(GAUSSIAN, SeriesPeers.windowedGaussian(s), windowOf, s, o, Double.NaN, true,
                "window " + WindowedGaussian.NAB_WINDOW + ", step " + WindowedGaussian.NAB_STEP, "", t0));
        t0 = System.nanoTime();
        methods.add(result(RCF, SeriesPeers.rcf(s, o.seed()), windowOf, s, o, Double.NaN, true,
                SeriesPeers.RCF_TREES + " trees, sample " + SeriesPeers.RCF_SAMPLE, "", t0));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s %5d pts %-40s", s.name(),
                s.length(), anomalies(s)));
        for (MethodResult m : methods) {
            line.append(String.format(Locale.ROOT, " | %s AUROC %.3f recall %d/%d", m.method(), m.auroc(),
                    m.recall().windowsFlagged(), m.recall().windows()));
        }
        System.out.println(line);
        for (MethodResult m : methods.subList(0, SeriesFlow.Variant.values().length)) {
            System.out.printf(Locale.ROOT, "    %s: %s; worst training row %.2f nats below the median (%s); finite"
                    + " %s; %.1f s%n", m.method(), m.settings(), m.worstGap(), m.worstRow(), m.finite(), m.seconds());
        }
        return new SeriesResult(s, methods);
    }

    private static MethodResult result(String name, double[] scores, int[] windowOf, OpsSeries.Series s,
                                       SeriesOptions o, double gap, boolean finite, String settings,
                                       String worstRow, long t0) {
        double auroc = SeriesMetrics.auroc(windowOf, scores);
        SeriesMetrics.Recall recall = SeriesMetrics.windowRecall(windowOf, scores, s.windows().size(), o.rate());
        return new MethodResult(name, auroc, recall, gap, finite, settings, worstRow,
                (System.nanoTime() - t0) / 1e9);
    }

    /** "SPIKE, FLATLINE, ..." in series order. */
    static String anomalies(OpsSeries.Series s) {
        return String.join(", ", s.anomalies().stream().map(a -> a.kind().name().toLowerCase(Locale.ROOT)).toList());
    }

    static double mean(double[] x) {
        return Arrays.stream(x).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }
}
