package io.normalcy.demo;

import io.normalcy.avro.Severity;

import java.util.EnumMap;
import java.util.Map;

/**
 * Detection quality at one alert level against the injected truth: an event counts as flagged when its severity is
 * at least {@code level}. Precision = flagged anomalies / flagged events; recall = flagged anomalies / anomalies.
 *
 * @param recallByKind flagged / injected per anomaly kind ({@code [flagged, injected]})
 */
public record Detection(Severity level, long truePositives, long falsePositives, long falseNegatives,
                        long trueNegatives, Map<AnomalyKind, long[]> recallByKind) {

    /**
     * @param severities severity of every scored event, by event id
     * @param truth      anomaly kind of the injected anomalies, by event id (normal events are absent)
     */
    public static Detection of(Severity level, Map<String, Severity> severities, Map<String, AnomalyKind> truth) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        Map<AnomalyKind, long[]> byKind = new EnumMap<>(AnomalyKind.class);
        for (AnomalyKind k : AnomalyKind.values()) {
            byKind.put(k, new long[2]);
        }
        for (Map.Entry<String, Severity> e : severities.entrySet()) {
            boolean flagged = e.getValue().ordinal() >= level.ordinal();
            AnomalyKind kind = truth.get(e.getKey());
            if (kind != null) {
                long[] c = byKind.get(kind);
                c[1]++;
                if (flagged) {
                    c[0]++;
                    tp++;
                } else {
                    fn++;
                }
            } else if (flagged) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Detection(level, tp, fp, fn, tn, byKind);
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 || Double.isNaN(p) || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
    }

    /** Share of normal events flagged. */
    public double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    public double recall(AnomalyKind kind) {
        long[] c = recallByKind.get(kind);
        return ratio(c[0], c[1]);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : a / (double) b;
    }
}
