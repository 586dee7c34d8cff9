package io.normalcy.demo;

import io.normalcy.avro.Severity;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bin/demo --scenario metrics} measured: per model and alert level, precision, recall and F1 for the
 * spikes and for the level shifts separately (each against the ordinary events; {@link MetricsGenerator.Label#SETTLING}
 * events are left out of both and their alerts counted on their own), and whether the level shifts were caught only
 * with derived features.
 */
record MetricsSummary(long seed, int history, int stream, Map<MetricsGenerator.Label, Long> labels,
                      Map<String, Long> scored, Map<String, Map<Severity, Map<MetricsGenerator.Label, Score>>> scores,
                      double elapsedSeconds) {

    /** Detection of one anomaly kind at one level: flagged anomalies, missed ones, flagged ordinary events. */
    record Score(long truePositives, long falseNegatives, long falsePositives, long settlingFlagged) {
        double precision() {
            return truePositives + falsePositives == 0 ? Double.NaN
                    : truePositives / (double) (truePositives + falsePositives);
        }

        double recall() {
            return truePositives + falseNegatives == 0 ? Double.NaN
                    : truePositives / (double) (truePositives + falseNegatives);
        }

        double f1() {
            double p = precision();
            double r = recall();
            return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    static final List<MetricsGenerator.Label> KINDS = List.of(MetricsGenerator.Label.SPIKE,
            MetricsGenerator.Label.LEVEL_SHIFT);
    static final List<Severity> LEVELS = List.of(Severity.CRITICAL, Severity.WARNING);
    static final List<String> MODELS = List.of(ServiceConfig.RAW_MODEL, ServiceConfig.DERIVED_MODEL);

    /**
     * @param severities model → event id → severity of the scored stream
     */
    static MetricsSummary of(DemoOptions options, int history, List<MetricsGenerator.Event> stream,
                             Map<String, Map<String, Severity>> severities, double elapsedSeconds) {
        Map<MetricsGenerator.Label, Long> labels = new EnumMap<>(MetricsGenerator.Label.class);
        stream.forEach(e -> labels.merge(e.label(), 1L, Long::sum));
        Map<String, Long> scored = new LinkedHashMap<>();
        Map<String, Map<Severity, Map<MetricsGenerator.Label, Score>>> scores = new LinkedHashMap<>();
        for (String model : MODELS) {
            Map<String, Severity> sev = severities.getOrDefault(model, Map.of());
            scored.put(model, stream.stream().filter(e -> sev.containsKey(e.eventId())).count());
            Map<Severity, Map<MetricsGenerator.Label, Score>> byLevel = new EnumMap<>(Severity.class);
            for (Severity level : LEVELS) {
                Map<MetricsGenerator.Label, Score> byKind = new EnumMap<>(MetricsGenerator.Label.class);
                for (MetricsGenerator.Label kind : KINDS) {
                    byKind.put(kind, score(stream, sev, level, kind));
                }
                byLevel.put(level, byKind);
            }
            scores.put(model, byLevel);
        }
        return new MetricsSummary(options.seed(), history, stream.size(), labels, scored, scores, elapsedSeconds);
    }

    private static Score score(List<MetricsGenerator.Event> stream, Map<String, Severity> sev, Severity level,
                               MetricsGenerator.Label kind) {
        long tp = 0;
        long fn = 0;
        long fp = 0;
        long settling = 0;
        for (MetricsGenerator.Event e : stream) {
            Severity s = sev.get(e.eventId());
            if (s == null) {
                continue;
            }
            boolean flagged = s.ordinal() >= level.ordinal();
            if (e.label() == kind) {
                tp += flagged ? 1 : 0;
                fn += flagged ? 0 : 1;
            } else if (e.label() == MetricsGenerator.Label.NORMAL) {
                fp += flagged ? 1 : 0;
            } else if (e.label() == MetricsGenerator.Label.SETTLING) {
                settling += flagged ? 1 : 0;
            }
        }
        return new Score(tp, fn, fp, settling);
    }

    Score score(String model, Severity level, MetricsGenerator.Label kind) {
        return scores.get(model).get(level).get(kind);
    }

    /** Level shifts caught (recall at WARNING at least 0.5) with derived features and not (at most 0.1) without. */
    boolean shiftsCaughtOnlyWithDerived() {
        double raw = score(ServiceConfig.RAW_MODEL, Severity.WARNING, MetricsGenerator.Label.LEVEL_SHIFT).recall();
        double derived = score(ServiceConfig.DERIVED_MODEL, Severity.WARNING, MetricsGenerator.Label.LEVEL_SHIFT)
                .recall();
        return derived >= 0.5 && raw <= 0.1;
    }

    /** Every stream record scored by both models. */
    boolean allScored() {
        return scored.values().stream().allMatch(n -> n == stream);
    }

    String format() {
        List<String> l = new ArrayList<>();
        l.add("");
        l.add("=== Normalcy demo summary: scenario metrics ===");
        l.add(String.format(Locale.ROOT, "seed %d; %,d history + %,d stream records (%d hosts); injected: %d spike, "
                        + "%d level-shift events (%d hosts), %d settling events after them (left out of precision)",
                seed, history, stream, MetricsGenerator.hostCount(), labels.getOrDefault(MetricsGenerator.Label.SPIKE, 0L),
                labels.getOrDefault(MetricsGenerator.Label.LEVEL_SHIFT, 0L), MetricsRun.SHIFTS,
                labels.getOrDefault(MetricsGenerator.Label.SETTLING, 0L)));
        scored.forEach((m, n) -> l.add(String.format(Locale.ROOT, "scored by %-9s %,d of %,d", m, n, stream)));
        l.add(String.format(Locale.ROOT, "%-10s %-9s %-12s %9s %6s %6s %5s %5s %5s %8s", "model", "level", "anomaly",
                "precision", "recall", "F1", "TP", "FN", "FP", "settling"));
        for (String m : MODELS) {
            for (Severity level : LEVELS) {
                for (MetricsGenerator.Label kind : KINDS) {
                    Score s = score(m, level, kind);
                    l.add(String.format(Locale.ROOT, "%-10s %-9s %-12s %9.3f %6.3f %6.3f %5d %5d %5d %8d", m, level,
                            kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), s.precision(), s.recall(), s.f1(),
                            s.truePositives(), s.falseNegatives(), s.falsePositives(), s.settlingFlagged()));
                }
            }
        }
        Score raw = score(ServiceConfig.RAW_MODEL, Severity.WARNING, MetricsGenerator.Label.LEVEL_SHIFT);
        Score derived = score(ServiceConfig.DERIVED_MODEL, Severity.WARNING, MetricsGenerator.Label.LEVEL_SHIFT);
        l.add(String.format(Locale.ROOT, "level shifts caught only with derived features: %s (recall at warning: "
                        + "%.3f with %s, %.3f without)", shiftsCaughtOnlyWithDerived() ? "YES" : "NO", derived.recall(),
                ServiceConfig.DERIVED, raw.recall()));
        l.add(String.format(Locale.ROOT, "wall time %.0f s", elapsedSeconds));
        return String.join("\n", l) + "\n";
    }
}
