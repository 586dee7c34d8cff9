package io.normalcy.trainer.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
                + "epoch).</p>\n");
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
        for (ReportData.Level l : d.levels()) {
            sb.append("<h3>").append(Html.esc(l.severity())).append(" — level ").append(l.level()).append("</h3>\n")
                    .append("<table><tr><th class='l'>scope</th><th>threshold</th><th>held-out samples</th>"
                            + "<th class='l'>note</th></tr>\n<tr><td class='l'>global</td>").append(td(l.global()))
                    .append("<td>").append(l.globalCount()).append("</td><td class='l'></td></tr>\n");
            for (ReportData.ContextRow r : l.perContext()) {
                sb.append("<tr").append(r.fallback() ? " class='fb'" : "").append("><td class='l'>")
                        .append(Html.esc(r.scope())).append("</td>").append(td(r.threshold()))
                        .append("<td>").append(r.count()).append("</td><td class='l'>")
                        .append(r.fallback() ? "too few samples: global threshold used" : "").append("</td></tr>\n");
            }
            sb.append("</table>\n");
        }
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
