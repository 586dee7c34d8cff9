package io.normalcy.bench.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reliability table: one row per case (records in, scored once, dead-lettered by reason, parked, lost,
 * duplicated, recovery / hand-over time, memory slope, PASS/FAIL) as plain text for the console and as Markdown
 * with the details of every case (why it failed, per-kind outcomes, further figures).
 */
final class ChaosReport {
    private ChaosReport() {
    }

    /** One line per case as it finishes. */
    static String progress(CaseResult r) {
        Tally t = r.tally();
        return String.format(Locale.ROOT, "chaos: %-11s %-4s in %s, lost %s, duplicated %s, %.0f s%s", r.name(),
                r.pass() ? "PASS" : "FAIL", t == null ? "-" : n(t.in()), t == null ? "-" : n(t.lostTotal()),
                t == null ? "-" : n(t.duplicatedTotal()), r.seconds(), r.pass() ? "" : " — " + r.failures().get(0));
    }

    static String text(List<CaseResult> results) {
        String fmt = "%-11s %-6s %8s %11s %9s %7s %6s %6s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, fmt, "case", "result", "in", "scored once", "dead-let.", "parked", "lost",
                "dup", "recovery / hand-over; memory"));
        for (CaseResult r : results) {
            Tally t = r.tally();
            String times = join(r.recovery(), r.memory());
            sb.append(String.format(Locale.ROOT, fmt, r.name(), r.pass() ? "PASS" : "FAIL",
                    t == null ? "-" : n(t.in()), t == null ? "-" : n(t.scoredOnce()),
                    t == null ? "-" : n(t.deadLetteredTotal()), t == null ? "-" : n(t.parked()),
                    t == null ? "-" : n(t.lostTotal()), t == null ? "-" : n(t.duplicatedTotal()), times));
        }
        sb.append('\n');
        for (CaseResult r : results) {
            sb.append(r.name()).append(": ").append(r.title()).append('\n');
            if (r.tally() != null && !r.tally().deadLettered().isEmpty()) {
                sb.append("  dead-lettered by reason: ").append(r.tally().deadLetteredText()).append('\n');
            }
            r.failures().forEach(f -> sb.append("  FAIL ").append(f).append('\n'));
            r.notes().forEach(x -> sb.append("  - ").append(x).append('\n'));
            if (r.tally() != null) {
                r.tally().examples().forEach(x -> sb.append("  e.g. ").append(x).append('\n'));
            }
        }
        return sb.toString();
    }

    static String markdown(List<CaseResult> results, String header) {
        StringBuilder sb = new StringBuilder();
        sb.append(header).append("\n\n");
        sb.append("| case | result | records in | scored once | dead-lettered (by reason) | parked | lost | duplicated "
                + "| recovery / hand-over | memory slope |\n");
        sb.append("|---|---|---:|---:|---|---:|---:|---:|---|---|\n");
        for (CaseResult r : results) {
            Tally t = r.tally();
            sb.append("| ").append(r.name()).append(" | ").append(r.pass() ? "PASS" : "**FAIL**").append(" | ")
                    .append(t == null ? "-" : n(t.in())).append(" | ")
                    .append(t == null ? "-" : n(t.scoredOnce())).append(" | ")
                    .append(t == null ? "-" : t.deadLetteredText()).append(" | ")
                    .append(t == null ? "-" : n(t.parked())).append(" | ")
                    .append(t == null ? "-" : bold(t.lostTotal())).append(" | ")
                    .append(t == null ? "-" : bold(t.duplicatedTotal())).append(" | ")
                    .append(cell(r.recovery())).append(" | ").append(cell(r.memory())).append(" |\n");
        }
        sb.append("\n### Details\n");
        for (CaseResult r : results) {
            sb.append("\n**").append(r.name()).append("** — ").append(r.title())
                    .append(String.format(Locale.ROOT, " (%.0f s)", r.seconds())).append("\n\n");
            r.failures().forEach(f -> sb.append("- FAIL: ").append(cell(f)).append('\n'));
            if (r.tally() != null) {
                Tally t = r.tally();
                sb.append(String.format(Locale.ROOT, "- accounting: %s in, %s scored once, dead-lettered %s, "
                                + "%s parked, %s lost, %s pending, %s duplicated outputs, %s misrouted, %s unknown; "
                                + "%s alerts (%s missing, %s extra)%n", n(t.in()), n(t.scoredOnce()),
                        t.deadLetteredText(), n(t.parked()), n(t.lost()), n(t.pending()), n(t.duplicated()),
                        n(t.misrouted()), n(t.unknownOutputs()), n(t.alerts()), n(t.missingAlerts()),
                        n(t.extraAlerts())));
            }
            r.notes().forEach(x -> sb.append("- ").append(cell(x)).append('\n'));
            if (r.tally() != null) {
                r.tally().examples().forEach(x -> sb.append("- e.g. ").append(cell(x)).append('\n'));
            }
        }
        return sb.toString();
    }

    private static String join(String recovery, String memory) {
        List<String> parts = new ArrayList<>();
        if (!"-".equals(recovery)) {
            parts.add(recovery);
        }
        if (!"-".equals(memory)) {
            parts.add("memory " + memory);
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    private static String bold(long v) {
        return v == 0 ? "0" : "**" + n(v) + "**";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** "records in / out" style summaries of the whole run for the console. */
    static String totals(List<CaseResult> results) {
        long in = 0;
        long lost = 0;
        long dup = 0;
        int failed = 0;
        for (CaseResult r : results) {
            if (r.tally() != null) {
                in += r.tally().in();
                lost += r.tally().lostTotal();
                dup += r.tally().duplicatedTotal();
            }
            failed += r.pass() ? 0 : 1;
        }
        return String.format(Locale.ROOT, "%d case(s), %d FAILED; %s records in, %s lost, %s duplicated",
                results.size(), failed, n(in), n(lost), n(dup));
    }
}
