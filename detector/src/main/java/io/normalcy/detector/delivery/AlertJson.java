package io.normalcy.detector.delivery;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.flow.model.ExpectedRanges;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shape of an alert on the wire — the body of webhook POSTs and the {@code data} of
 * {@code /alerts/stream} events. A stable, documented projection of the Avro {@link Alert} (Avro classes never
 * reach the HTTP layer, so a schema evolution cannot silently change what receivers parse):
 * <pre>{@code
 * {
 *   "alertId": "9f2c…",                  // stable: re-scoring the same event gives the same id (dedupe key)
 *   "entity": "card-42", "model": "payments", "modelVersion": 3,
 *   "severity": "CRITICAL",              // WARNING | CRITICAL
 *   "eventTime": "2026-03-02T10:15:00Z", // ISO-8601 UTC
 *   "createdAt": "2026-03-02T10:15:01.204Z",
 *   "logDensity": -31.7, "threshold": -18.2, "quantileLevel": 0.001, "thresholdScope": "global",
 *   "pValue": 0.00012,                   // share of normal events of this context scoring this low ("1 in 8,300");
 *                                        // null when the model cannot give one
 *   "topFeatures": [{"feature": "amount", "value": 9120.0, "logDensityTerm": -22.1,
 *                    "typicalTerm": -1.3, "deficit": 20.8,
 *                    "expectedLow": 12.0, "expectedHigh": 310.0, "expectedMass": 0.99,   // null without a range
 *                    "expected": "amount 9120 — expected 12–310 (99 %) given country=FR and the preceding features"}],
 *   "features": {"amount": 9120.0}, "context": {"country": "FR"}, "contextNumeric": {}, "attributes": {},
 *   "eventId": "ev-17",                  // null when the input had none
 *   "source": {"topic": "normalcy.features", "partition": 0, "offset": 1234},  // null when unknown
 *   "imputedFeatures": ["latency"]      // features the event lacked, scored at the model's held-out median
 *                                        // (missing-value policy impute; absent from "features"); [] when none
 * }
 * }</pre>
 * Non-finite numbers (which JSON cannot represent) are written as {@code null}; maps are sorted by key.
 */
@Serdeable
public record AlertJson(String alertId, String entity, String model, long modelVersion, String severity,
                        Instant eventTime, Instant createdAt, @Nullable Double logDensity,
                        @Nullable Double threshold, @Nullable Double quantileLevel, String thresholdScope,
                        @Nullable Double pValue,
                        List<Contribution> topFeatures, Map<String, Double> features, Map<String, String> context,
                        Map<String, Double> contextNumeric, Map<String, String> attributes,
                        @Nullable String eventId, @Nullable Source source, List<String> imputedFeatures) {

    /**
     * One explaining feature; see {@code FeatureContribution.avsc}. {@code expected} is the range as a sentence
     * ({@link ExpectedRanges#sentence}), null without a range.
     */
    @Serdeable
    public record Contribution(String feature, @Nullable Double value, @Nullable Double logDensityTerm,
                               @Nullable Double typicalTerm, @Nullable Double deficit, @Nullable Double expectedLow,
                               @Nullable Double expectedHigh, @Nullable Double expectedMass,
                               @Nullable String expected) {
    }

    /** Coordinates of the scored input record. */
    @Serdeable
    public record Source(@Nullable String topic, @Nullable Integer partition, @Nullable Long offset) {
    }

    public static AlertJson of(Alert a) {
        String given = given(a.getContext());
        List<Contribution> top = a.getTopFeatures().stream().map(c -> contribution(c, given)).toList();
        Source source = a.getSourceTopic() == null && a.getSourcePartition() == null && a.getSourceOffset() == null
                ? null : new Source(a.getSourceTopic(), a.getSourcePartition(), a.getSourceOffset());
        return new AlertJson(a.getAlertId(), a.getEntity(), a.getModel(), a.getModelVersion(),
                a.getSeverity().name(), a.getEventTime(), a.getCreatedAt(), finite(a.getLogDensity()),
                finite(a.getThreshold()), finite(a.getQuantileLevel()), a.getThresholdScope(),
                a.getPValue() == null ? null : finite(a.getPValue()), top,
                doubles(a.getFeatures()), strings(a.getContext()), doubles(a.getContextNumeric()),
                strings(a.getAttributes()), a.getEventId(), source,
                a.getImputedFeatures() == null ? List.of() : List.copyOf(a.getImputedFeatures()));
    }

    private static Contribution contribution(FeatureContribution c, String given) {
        Double low = nullableFinite(c.getExpectedLow());
        Double high = nullableFinite(c.getExpectedHigh());
        Double mass = nullableFinite(c.getExpectedMass());
        String expected = low == null || high == null || mass == null ? null
                : ExpectedRanges.sentence(c.getFeature(), c.getValue(), low, high, mass, given);
        return new Contribution(c.getFeature(), finite(c.getValue()), finite(c.getLogDensityTerm()),
                finite(c.getTypicalTerm()), finite(c.getDeficit()), low, high, mass, expected);
    }

    /** The categorical context as "k=v, k2=v2" (sorted), the part of the conditioning a reader recognises. */
    private static String given(Map<String, String> context) {
        StringBuilder sb = new StringBuilder();
        strings(context).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }

    private static Double nullableFinite(Double v) {
        return v == null ? null : finite(v);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, Double> doubles(Map<String, Double> m) {
        TreeMap<String, Double> out = new TreeMap<>();
        if (m != null) {
            m.forEach((k, v) -> out.put(k, v == null ? null : finite(v)));
        }
        return out;
    }

    private static Map<String, String> strings(Map<String, String> m) {
        return m == null ? new TreeMap<>() : new TreeMap<>(m);
    }
}
