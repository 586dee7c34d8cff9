package io.normalcy.bench.series;

import io.normalcy.bench.RunEnvironment;
import io.normalcy.bench.series.SeriesBenchmark.MethodResult;
import io.normalcy.bench.series.SeriesBenchmark.SeriesResult;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code series.md} and {@code series.csv}: how the numbers were made (command, date, machine, load, sizes) first,
 * then the summary per method, recall per anomaly kind and one row per series. Every number comes from the run
 * that wrote it; the reading belongs in docs/results.md next to it.
 */
final class SeriesReport {
    private SeriesReport() {
    }

    static String markdown(RunEnvironment<SeriesOptions> env, List<SeriesResult> results) {
        SeriesOptions o = env.options();
        StringBuilder md = new StringBuilder();
        md.append("<!-- written by io.normalcy.bench.series.SeriesBenchmark; every number below is from this run -->\n");
        md.append("### Operational series: run of ").append(env.date()).append("\n\n| | |\n|---|---|\n");
        md.append("| command | `OMP_NUM_THREADS=1 java -cp \"benchmarks/target/benchmarks.jar:benchmarks/target/lib/*\""
                + " io.normalcy.bench.series.SeriesBenchmark ").append(env.argLine()).append("` |\n");
        md.append(f("| date (UTC) | %s, wall time %.1f min |\n", env.date(), env.minutes()));
        md.append("| machine | ").append(env.machine()).append(" |\n");
        md.append("| load (1/5/15 min) | before ").append(env.loadBefore()).append("; after ").append(env.loadAfter())
                .append(" |\n");
        md.append(f("| data | `OpsSeries`, seed %d: %d series (%s), %,d–%,d points at 5-minute steps; fit on the first"
                        + " %.0f %%, %d anomalies each in the rest, NAB windows (10 %% of the length split over them)"
                        + " |\n", o.seed(), results.size(), kinds(results), minLength(results), maxLength(results),
                100 * o.fitShare(), OpsSeries.ANOMALIES));
        md.append(f("| flows | `ModelFitter`, features value, first difference, deviation from the mean of the %d"
                + " points before; cyclic context hour of day; %s; seed %d |\n\n", SeriesFeatures.ROLLING,
                o.epochs() == 0 ? "sizes and epochs by `SizeRule`" : "epochs capped at " + o.epochs(), o.seed()));
        md.append(summaryTable(results, o.rate()));
        md.append("\n*AUROC*: points inside a window are positives, the rest negatives (scored part only). *Window"
                + f(" recall*: windows with ≥ 1 point above the cut that flags %.1f %% of the points outside windows"
                + " (observed rate in the next column; ties at the cut can make it lower). *Wins*: series where the"
                + " method's AUROC is the highest (ties count for each). *Worst training row*: median minus minimum"
                + " of log p over the fit part's rows, median and largest over the series (the issue's collapse"
                + " symptom was thousands of nats). *Finite*: series where every epoch's NLL and every log p stayed"
                + " finite.\n\n", 100 * o.rate()));
        md.append(kindTable(results));
        md.append("\n").append(seriesTable(results));
        return md.toString();
    }

    static String summaryTable(List<SeriesResult> results, double rate) {
        StringBuilder md = new StringBuilder(f("| method | mean AUROC | median AUROC | window recall at %.1f %% |"
                + " false alarms | AUROC wins | worst training row (median / max nats) | finite |\n"
                + "|---|---|---|---|---|---|---|---|\n", 100 * rate));
        int[] wins = wins(results);
        List<String> names = names(results);
        for (int m = 0; m < names.size(); m++) {
            double[] auroc = column(results, m, r -> r.auroc());
            int flagged = 0;
            int windows = 0;
            int finite = 0;
            for (SeriesResult r : results) {
                MethodResult x = r.methods().get(m);
                flagged += x.recall().windowsFlagged();
                windows += x.recall().windows();
                finite += x.finite() ? 1 : 0;
            }
            double[] gap = column(results, m, r -> r.worstGap());
            String gaps = Double.isNaN(gap[0]) ? "–" : f("%.2f / %.2f", median(gap), max(gap));
            md.append(f("| %s | %.3f | %.3f | %.2f (%d/%d) | %.2f %% | %d | %s | %s |\n", names.get(m),
                    SeriesBenchmark.mean(auroc), median(auroc), (double) flagged / windows, flagged, windows,
                    100 * SeriesBenchmark.mean(column(results, m, r -> r.recall().falseAlarmRate())), wins[m], gaps,
                    Double.isNaN(gap[0]) ? "–" : finite + "/" + results.size()));
        }
        return md.toString();
    }

    /** Windows flagged per anomaly kind and method. */
    static String kindTable(List<SeriesResult> results) {
        List<String> names = names(results);
        StringBuilder md = new StringBuilder("| anomaly kind | windows |");
        names.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(names.size())).append('\n');
        for (OpsSeries.AnomalyKind k : OpsSeries.AnomalyKind.values()) {
            int total = 0;
            int[] hit = new int[names.size()];
            for (SeriesResult r : results) {
                for (int w = 0; w < r.series().anomalies().size(); w++) {
                    if (r.series().anomalies().get(w).kind() != k) {
                        continue;
                    }
                    total++;
                    for (int m = 0; m < names.size(); m++) {
                        hit[m] += r.methods().get(m).recall().hits()[w] ? 1 : 0;
                    }
                }
            }
            if (total > 0) {
                md.append(f("| %s | %d |", k.name().toLowerCase(Locale.ROOT), total));
                for (int h : hit) {
                    md.append(f(" %d |", h));
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** One row per series: AUROC and windows flagged per method, the flows' worst training row. */
    static String seriesTable(List<SeriesResult> results) {
        List<String> names = names(results);
        StringBuilder md = new StringBuilder("| series | points (fit) | anomalies |");
        names.forEach(n -> md.append(" AUROC ").append(n).append(" |"));
        md.append(" windows flagged (").append(String.join(" / ", names)).append(") | worst training row (")
                .append(names.get(0)).append(" / ").append(names.get(1)).append(") | flows fitted |\n|---|---|---|")
                .append("---|".repeat(names.size())).append("---|---|---|\n");
        for (SeriesResult r : results) {
            OpsSeries.Series s = r.series();
            md.append(f("| %s | %,d (%,d) | %s |", s.name(), s.length(), s.fitEnd(), SeriesBenchmark.anomalies(s)));
            List<String> flagged = new ArrayList<>();
            for (MethodResult m : r.methods()) {
                md.append(f(" %.3f |", m.auroc()));
                flagged.add(m.recall().windowsFlagged() + "/" + m.recall().windows());
            }
            MethodResult a = r.methods().get(0);
            MethodResult b = r.methods().get(1);
            md.append(' ').append(String.join(" / ", flagged)).append(f(" | %.2f (%s) / %.2f (%s) | %s; %s |\n",
                    a.worstGap(), a.worstRow(), b.worstGap(), b.worstRow(), a.settings(), b.settings()));
        }
        return md.toString();
    }

    static void writeCsv(List<SeriesResult> results, Writer w) {
        PrintWriter out = new PrintWriter(w);
        out.println("series,kind,points,fit_points,anomalies,method,auroc,windows,windows_flagged,window_recall,"
                + "false_alarm_rate,worst_train_gap_nats,worst_train_row,finite,seconds");
        for (SeriesResult r : results) {
            OpsSeries.Series s = r.series();
            for (MethodResult m : r.methods()) {
                out.println(f("%s,%s,%d,%d,%s,\"%s\",%.6f,%d,%d,%.4f,%.6f,%.4f,\"%s\",%s,%.2f", s.name(), s.kind(),
                        s.length(), s.fitEnd(), SeriesBenchmark.anomalies(s).replace(", ", "|"), m.method(),
                        m.auroc(), m.recall().windows(), m.recall().windowsFlagged(), m.recall().recall(),
                        m.recall().falseAlarmRate(), m.worstGap(), m.worstRow(), m.finite(), m.seconds()));
            }
        }
        out.flush();
    }

    /** AUROC wins per method: the series where its AUROC is the highest (within 1e-9; ties count for each). */
    static int[] wins(List<SeriesResult> results) {
        int[] wins = new int[names(results).size()];
        for (SeriesResult r : results) {
            double best = r.methods().stream().mapToDouble(MethodResult::auroc).filter(v -> !Double.isNaN(v)).max()
                    .orElse(Double.NaN);
            for (int m = 0; m < wins.length; m++) {
                wins[m] += r.methods().get(m).auroc() >= best - 1e-9 ? 1 : 0;
            }
        }
        return wins;
    }

    private static List<String> names(List<SeriesResult> results) {
        return results.get(0).methods().stream().map(MethodResult::method).toList();
    }

    private static double[] column(List<SeriesResult> results, int m,
                                   java.util.function.ToDoubleFunction<MethodResult> f) {
        return results.stream().mapToDouble(r -> f.applyAsDouble(r.methods().get(m))).toArray();
    }

    static double median(double[] x) {
        double[] s = Arrays.stream(x).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double max(double[] x) {
        return Arrays.stream(x).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    private static String kinds(List<SeriesResult> results) {
        return String.join(", ", results.stream().map(r -> r.series().kind().name().toLowerCase(Locale.ROOT))
                .distinct().toList());
    }

    private static int minLength(List<SeriesResult> results) {
        return results.stream().mapToInt(r -> r.series().length()).min().orElse(0);
    }

    private static int maxLength(List<SeriesResult> results) {
        return results.stream().mapToInt(r -> r.series().length()).max().orElse(0);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
