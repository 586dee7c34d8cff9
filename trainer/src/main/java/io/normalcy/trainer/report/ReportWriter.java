package io.normalcy.trainer.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a self-contained HTML report of one trained model (inline SVG and CSS, no scripts or external
 * assets, so it can be archived next to the artifact and opened anywhere). It answers the questions a reviewer
 * has before promoting a model: did training converge without over-fitting (train vs validation NLL per
 * epoch), where do the thresholds sit in the held-out density distribution, are per-context thresholds backed
 * by enough samples or falling back to the global one, how much input was skipped and why, and where the model
 * came from (window, offsets, seed, configuration).
 */
public final class ReportWriter {
    private static final String[] LEVEL_COLORS = {"#e69f00", "#d55e00", "#8b0000", "#555"};
    private static final String[] CANDIDATE_COLORS = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#555"};

    private ReportWriter() {
    }

    public static String render(ReportData d) {
        StringBuilder sb = new StringBuilder(32_768);
        sb.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Normalcy model ")
                .append(Html.esc(d.model())).append(" v").append(d.version()).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;max-width:980px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}.fb{color:#999}")
                .append(".warn{color:#b00}h2{margin-top:28px;border-bottom:1px solid #ddd}</style></head><body>\n");
        sb.append("<h1>Model <code>").append(Html.esc(d.model())).append("</code> version ").append(d.version())
                .append("</h1>\n<p>Trained ").append(Instant.ofEpochMilli(d.createdAt())).append(". ")
                .append(summary(d)).append("</p>\n");
        curves(sb, d);
        density(sb, d);
        thresholds(sb, d);
        typical(sb, d);
        data(sb, d);
        candidates(sb, d);
        provenance(sb, d);
        return sb.append("</body></html>\n").toString();
    }

    private static String summary(ReportData d) {
        if (d.curve().isEmpty()) {
            return "No training curve recorded.";
        }
        ReportData.EpochPoint last = d.curve().get(d.curve().size() - 1);
        ReportData.EpochPoint best = d.curve().stream()
                .min((a, b) -> Double.compare(a.validationNll(), b.validationNll())).orElse(last);
        String s = "Epochs run: " + d.curve().size() + "; best validation NLL " + Html.num(best.validationNll())
                + " nats/event at epoch " + best.epoch() + " (final train NLL " + Html.num(last.trainNll()) + ").";
        if (best.validationNll() - last.trainNll() > 0.5) {
            s += " <span class='warn'>Validation NLL is more than 0.5 nats above train NLL: possible over-fitting.</span>";
        }
        return s;
    }

    private static void curves(StringBuilder sb, ReportData d) {
        sb.append("<h2 id='curves'>Training curves</h2>\n<p>Mean negative log-likelihood per event (nats, lower is "
                + "better) of the standardised flow input, i.e. without the preprocessing Jacobian (the provenance's "
                + "validation NLL is in original units, so it differs by a constant). The two curves should fall and "
                + "level off together; a rising validation curve means over-fitting (early stopping keeps the best "
                + "epoch).").append(d.candidates().isEmpty() ? "" : " Flow auto: the chosen candidate's curve; every"
                + " candidate's validation curve is under <a href='#auto'>Flow auto</a>.").append("</p>\n");
        int n = d.curve().size();
        double[] x = new double[n];
        double[] tr = new double[n];
        double[] va = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = d.curve().get(i).epoch();
            tr[i] = d.curve().get(i).trainNll();
            va[i] = d.curve().get(i).validationNll();
        }
        sb.append(Svg.lineChart("NLL per epoch", "epoch", "flow-space NLL (nats)",
                List.of(new Svg.Series("training", "#0072b2", x, tr), new Svg.Series("validation", "#d55e00", x, va))));
    }

    private static void density(StringBuilder sb, ReportData d) {
        double[] v = d.heldOutLogDensity();
        sb.append("<h2 id='density'>Held-out log-density</h2>\n<p>Histogram of log p(x | c) on ").append(v.length)
                .append(" held-out events (not used for fitting). Dashed lines: global thresholds; a fraction "
                        + "<i>level</i> of normal events lies left of each, which is the expected alert rate.</p>\n");
        List<Svg.Marker> markers = new ArrayList<>();
        for (int i = 0; i < d.levels().size(); i++) {
            ReportData.Level l = d.levels().get(i);
            markers.add(new Svg.Marker(l.severity() + " " + l.level() + " = " + Html.num(l.global()),
                    LEVEL_COLORS[Math.min(i, LEVEL_COLORS.length - 1)], l.global()));
        }
        sb.append(Svg.histogram("held-out log-density", "log p(x | c) (nats)", v, 60, markers));
        if (v.length > 0) {
            double[] s = v.clone();
            Arrays.sort(s);
            sb.append("<table><tr><th>min</th><th>1%</th><th>median</th><th>99%</th><th>max</th></tr><tr>")
                    .append(td(s[0])).append(td(q(s, 0.01))).append(td(q(s, 0.5))).append(td(q(s, 0.99)))
                    .append(td(s[s.length - 1])).append("</tr></table>\n");
        }
    }

    private static void thresholds(StringBuilder sb, ReportData d) {
        sb.append("<h2 id='thresholds'>Thresholds</h2>\n<p>An event alerts at a level when its log-density is "
                + "below the threshold of its scope (its combination of categorical context values when that has "
                + "its own threshold, else the first categorical context value with its own threshold, else global). "
                + "Greyed rows had too few held-out samples and use the global threshold.</p>\n");
        Map<String, ReportData.Band> bands = new java.util.HashMap<>();
        d.bands().forEach(b -> bands.put(b.level() + " " + b.scope(), b));
        if (!bands.isEmpty()) {
            sb.append("<p>95 % interval: bootstrap of the threshold as stored (each context's held-out rows "
                    + "resampled and the whole estimator refitted, pooling included). Rate band: the alert rate at "
                    + "the interval's ends as a multiple of the level, the spread to expect on fresh normal data "
                    + "from calibration noise alone; a context with few held-out rows below its threshold is marked, "
                    + "and more history narrows its band. A combination's tail offset is pooled with the other "
                    + "combinations of its first field's value, its own weighing w = n·q / (n·q + 20).</p>\n");
        }
        for (ReportData.Level l : d.levels()) {
            sb.append("<h3>").append(Html.esc(l.severity())).append(" — level ").append(l.level()).append("</h3>\n")
                    .append("<table><tr><th class='l'>scope</th><th>threshold</th><th>held-out samples</th>"
                            + "<th>95 % interval</th><th>rate band</th><th class='l'>note</th></tr>\n"
                            + "<tr><td class='l'>global</td>").append(td(l.global()))
                    .append("<td>").append(l.globalCount()).append("</td>");
            band(sb, bands.get(l.level() + " global"), "");
            for (ReportData.ContextRow r : l.perContext()) {
                sb.append("<tr").append(r.fallback() ? " class='fb'" : "").append("><td class='l'>")
                        .append(Html.esc(r.scope())).append("</td>").append(td(r.threshold()))
                        .append("<td>").append(r.count()).append("</td>");
                band(sb, r.fallback() ? null : bands.get(l.level() + " " + r.scope()),
                        r.fallback() ? "too few samples: global threshold used" : "");
            }
            sb.append("</table>\n");
        }
    }

    /** The interval, rate band and note cells of a threshold row, and the row's end. */
    private static void band(StringBuilder sb, ReportData.Band b, String note) {
        if (b == null) {
            sb.append("<td></td><td></td><td class='l'>").append(Html.esc(note)).append("</td></tr>\n");
            return;
        }
        List<String> notes = new ArrayList<>();
        if (b.pooledWith() != null) {
            notes.add(String.format(Locale.ROOT, "tail offset pooled with %s's, own weight %.2f", b.pooledWith(),
                    b.ownWeight()));
        }
        if (b.note() != null) {
            notes.add(String.format(Locale.ROOT, "few held-out exceedances (%.1f expected below): rate expected within"
                    + " ×%.1f–%.1f of the level; more history narrows it", b.expectedBelow(), b.rateRatioLow(),
                    b.rateRatioHigh()));
        }
        sb.append("<td>").append(Html.num(b.low())).append(" … ").append(Html.num(b.high())).append("</td>")
                .append(String.format(Locale.ROOT, "<td>×%.2f–%.2f</td>", b.rateRatioLow(), b.rateRatioHigh()))
                .append("<td class='l").append(b.note() != null ? " warn" : "").append("'>")
                .append(Html.esc(String.join("; ", notes))).append("</td></tr>\n");
    }

    private static void typical(StringBuilder sb, ReportData d) {
        sb.append("<h2 id='features'>Typical per-feature contributions</h2>\n<p>Median over held-out events of "
                + "each feature's term of log p(x | c); alerts explain themselves against these values.</p>\n"
                + "<table><tr><th class='l'>feature</th><th>median term (nats)</th></tr>\n");
        d.typical().forEach((f, v) -> sb.append("<tr><td class='l'>").append(Html.esc(f)).append("</td>")
                .append(td(v)).append("</tr>\n"));
        sb.append("</table>\n");
    }

    private static void data(StringBuilder sb, ReportData d) {
        sb.append("<h2 id='data'>Input data</h2>\n<table><tr><th class='l'>skipped because</th><th>records</th></tr>\n");
        if (d.skipped().isEmpty()) {
            sb.append("<tr><td class='l'>(nothing skipped)</td><td>0</td></tr>\n");
        }
        d.skipped().forEach((k, v) -> sb.append("<tr><td class='l'>").append(Html.esc(k)).append("</td><td>")
                .append(v).append("</td></tr>\n"));
        sb.append("</table>\n");
    }

    /** The comparison {@code flow-type: auto} made: every candidate on the same split, the chosen one marked. */
    private static void candidates(StringBuilder sb, ReportData d) {
        if (d.candidates().isEmpty()) {
            return;
        }
        sb.append("<h2 id='auto'>Flow auto: candidates</h2>\n<p>Trained on the same training and validation split"
                + " and compared by successive halving at equal epochs: after each rung the better half by validation"
                + " NLL (nats/event) trains on; the last one trains to its early stop.</p>\n");
        String warning = d.provenance().get("config autoWarning");
        if (warning != null) {
            sb.append("<p class='warn'>").append(Html.esc(warning)).append("</p>\n");
        }
        sb.append("<table>\n<tr><th class='l'>flow</th><th>validation NLL</th><th>epochs</th><th>seconds</th>"
                + "<th class='l'>outcome</th></tr>\n");
        for (ReportData.Candidate c : d.candidates()) {
            String outcome = c.chosen() ? "chosen" : c.trained() ? c.note() : "not trained: " + c.note();
            sb.append("<tr><td class='l'>").append(Html.esc(c.label())).append("</td>")
                    .append(c.validationNll() == null ? "<td></td>" : td(c.validationNll()))
                    .append("<td>").append(c.epochs()).append("</td>")
                    .append(td(c.millis() / 1000.0))
                    .append("<td class='l'>").append(Html.esc(outcome)).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        candidateCurves(sb, d);
    }

    /**
     * Every candidate's validation NLL per epoch, one line each: the candidates trained by turns, rung after rung,
     * and this reads them apart (a dropped candidate's line ends at its rung).
     */
    private static void candidateCurves(StringBuilder sb, ReportData d) {
        if (d.candidateCurves().isEmpty()) {
            return;
        }
        Map<String, List<ReportData.CandidatePoint>> byCandidate = new java.util.LinkedHashMap<>();
        d.candidateCurves().forEach(p -> byCandidate.computeIfAbsent(p.candidate(), k -> new ArrayList<>()).add(p));
        List<Svg.Series> series = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<ReportData.CandidatePoint>> e : byCandidate.entrySet()) {
            List<ReportData.CandidatePoint> pts = e.getValue();
            series.add(new Svg.Series(e.getKey(), CANDIDATE_COLORS[i++ % CANDIDATE_COLORS.length],
                    pts.stream().mapToDouble(ReportData.CandidatePoint::epoch).toArray(),
                    pts.stream().mapToDouble(ReportData.CandidatePoint::validationNll).toArray()));
        }
        sb.append("<p>Validation NLL per epoch of each candidate (flow space, nats/event).</p>\n")
                .append(Svg.lineChart("validation NLL per candidate", "epoch", "validation NLL (nats)", series));
    }

    private static void provenance(StringBuilder sb, ReportData d) {
        sb.append("<h2 id='provenance'>Provenance</h2>\n<table>\n");
        for (Map.Entry<String, String> e : d.provenance().entrySet()) {
            sb.append("<tr><th class='l'>").append(Html.esc(e.getKey())).append("</th><td class='l'>")
                    .append(Html.esc(e.getValue())).append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static String td(double v) {
        return "<td>" + Html.num(v) + "</td>";
    }

    private static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
