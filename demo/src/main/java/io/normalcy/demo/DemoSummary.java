package io.normalcy.demo;

import io.normalcy.avro.Severity;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What one demo run measured, printed at the end and asserted by {@code DemoIT}. Times are seconds since the demo
 * started.
 *
 * @param injected      injected anomalies per kind (all in the scored stream)
 * @param alerts        alerts of this run on the alerts topic, by severity
 * @param scoresByVersion scored events per model version
 * @param models        versions of the demo model published during the run
 * @param swap          the hot swap, or null when no second version scored anything
 * @param criticalByVersion detection at the critical level of the events each version scored
 * @param phases        elapsed seconds per phase, in order
 */
public record DemoSummary(String kafka, long producedHistory, long producedStream, Map<AnomalyKind, Long> injected,
                          long scored, long parked, long deadLettered, long accounted, Map<Severity, Long> alerts,
                          Map<Long, Long> scoresByVersion, List<Model> models, Swap swap, Detection critical,
                          Detection warning, Map<Long, Detection> criticalByVersion,
                          Map<Long, Detection> warningByVersion, Map<String, Double> phases, double totalSeconds) {

    /** One published model version. */
    public record Model(long version, double publishedAt, long recordCount, double validationNll,
                        Double trainingSeconds) {
    }

    /** The switch of the scores from one version to the next. */
    public record Swap(long from, long to, double publishedAt, double firstScoreAt) {
    }

    public long produced() {
        return producedHistory + producedStream;
    }

    public boolean allAccounted() {
        return accounted == produced();
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n========================== Normalcy demo summary ==========================\n");
        long anomalies = injected.values().stream().mapToLong(Long::longValue).sum();
        StringJoiner kinds = new StringJoiner(", ");
        injected.forEach((k, n) -> kinds.add(n + " " + k.label()));
        line(sb, "kafka", kafka);
        line(sb, "events produced", f("%,d  (%,d history to train on + %,d scored stream with %,d injected anomalies: %s)",
                produced(), producedHistory, producedStream, anomalies, kinds));
        line(sb, "accounted for", f("%,d / %,d  =  scored %,d + parked %,d (before the first model) + dead-lettered %,d",
                accounted, produced(), scored, parked, deadLettered));
        line(sb, "alerts", f("CRITICAL %,d, WARNING %,d", alerts.getOrDefault(Severity.CRITICAL, 0L),
                alerts.getOrDefault(Severity.WARNING, 0L)));
        appendModels(sb);
        appendDetection(sb);
        StringJoiner phaseText = new StringJoiner(", ");
        phases.forEach((name, s) -> phaseText.add(f("%s %.1f s", name, s)));
        line(sb, "elapsed", f("%.1f s: %s", totalSeconds, phaseText));
        sb.append("===========================================================================\n");
        return sb.toString();
    }

    /** Published versions, then the hot swap between them. */
    private void appendModels(StringBuilder sb) {
        String pad = " ".repeat(20);
        boolean first = true;
        for (Model m : models) {
            sb.append(first ? String.format("%-20s", "models") : pad);
            sb.append(f("v%d published at %5.1f s (trained on %,d events%s; held-out NLL %.2f nats/event)%n", m.version(),
                    m.publishedAt(), m.recordCount(), m.trainingSeconds() == null ? ""
                            : f(" in %.1f s", m.trainingSeconds()), m.validationNll()));
            first = false;
        }
        if (models.isEmpty()) {
            line(sb, "models", "none published");
        }
        StringJoiner byVersion = new StringJoiner(", ");
        scoresByVersion.forEach((v, n) -> byVersion.add(f("v%d %,d", v, n)));
        if (swap != null) {
            line(sb, "hot swap", f("v%d -> v%d without a restart: first v%d score at %.1f s, %.1f s after it was published",
                    swap.from(), swap.to(), swap.to(), swap.firstScoreAt(), swap.firstScoreAt() - swap.publishedAt()));
            line(sb, "", "scores by version: " + byVersion);
        } else {
            line(sb, "hot swap", "not observed; scores by version: " + byVersion);
        }
    }

    /** Precision/recall per level against the injected truth, per model version and per anomaly kind. */
    private void appendDetection(StringBuilder sb) {
        line(sb, "detection", f("%-9s %9s %7s %6s %9s   (against the injected truth, %,d scored events)",
                "level", "precision", "recall", "F1", "FP rate", scored));
        for (Detection d : List.of(critical, warning)) {
            line(sb, "", f("%-9s %9.3f %7.3f %6.3f %8.2f%%   (%d true / %d false alarms, %d missed)",
                    d.level().name().toLowerCase(Locale.ROOT), d.precision(), d.recall(), d.f1(),
                    100 * d.falsePositiveRate(), d.truePositives(), d.falsePositives(), d.falseNegatives()));
        }
        for (Map.Entry<Long, Detection> e : criticalByVersion.entrySet()) {
            Detection c = e.getValue();
            Detection w = warningByVersion.get(e.getKey());
            line(sb, e.getKey() == criticalByVersion.keySet().iterator().next() ? "by model version" : "",
                    f("v%d: critical recall %.3f, FP rate %.2f%%; warning recall %.3f, FP rate %.2f%%  (%,d events, %d anomalies)",
                            e.getKey(), c.recall(), 100 * c.falsePositiveRate(), w.recall(), 100 * w.falsePositiveRate(),
                            c.truePositives() + c.falsePositives() + c.falseNegatives() + c.trueNegatives(),
                            c.truePositives() + c.falseNegatives()));
        }
        StringJoiner recall = new StringJoiner(", ");
        for (AnomalyKind k : AnomalyKind.values()) {
            recall.add(f("%s %.2f / %.2f", k.label(), critical.recall(k), warning.recall(k)));
        }
        line(sb, "recall by kind", recall + "  (critical / warning)");
    }

    private static void line(StringBuilder sb, String label, String text) {
        sb.append(String.format("%-20s", label)).append(text).append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
