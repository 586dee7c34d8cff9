package io.normalcy.detector.delivery;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.Severity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alerts for delivery tests (values are arbitrary but fixed). */
public final class TestAlerts {
    public static final Instant T0 = Instant.parse("2026-03-02T10:15:00Z");

    private TestAlerts() {
    }

    public static Alert alert(String id, String model, String entity, Severity severity) {
        return Alert.newBuilder().setAlertId(id).setEntity(entity).setEventTime(T0).setModel(model)
                .setModelVersion(3).setLogDensity(-31.5).setThreshold(-18.25)
                .setQuantileLevel(severity == Severity.CRITICAL ? 0.001 : 0.01).setSeverity(severity)
                .setThresholdScope("country=FR").setPValue(1.2e-4)
                .setTopFeatures(List.of(new FeatureContribution("amount", 9120.0, -22.5, -1.25, 21.25, 12.0, 310.0, 0.99)))
                .setContext(Map.of("country", "FR")).setContextNumeric(Map.of("hour", 10.0))
                .setFeatures(Map.of("amount", 9120.0, "count", 3.0)).setAttributes(Map.of("merchant", "m-7"))
                .setEventId("ev-" + id).setSourceTopic("normalcy.features").setSourcePartition(1)
                .setSourceOffset(1234L).setCreatedAt(T0.plusMillis(1204)).build();
    }
}
