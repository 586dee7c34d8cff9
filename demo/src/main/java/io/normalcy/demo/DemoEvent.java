package io.normalcy.demo;

import io.normalcy.avro.FeatureVector;

import java.time.Instant;
import java.util.Map;

/**
 * One generated event with its ground truth. The truth ({@code anomaly}) stays in the demo's memory: it is never
 * written to Kafka, so the detector cannot see it.
 *
 * @param anomaly the injected kind, or null for a normal event
 */
public record DemoEvent(String eventId, String entity, long eventTime, String entityType, String region,
                        Map<String, Double> features, AnomalyKind anomaly) {

    public DemoEvent {
        features = Map.copyOf(features);
    }

    public boolean isAnomaly() {
        return anomaly != null;
    }

    /** UTC hour of day, fractional, as the model's {@code @hourOfDay} context sees it. */
    public double hourOfDay() {
        return Math.floorMod(eventTime, 86_400_000L) / 3_600_000.0;
    }

    public FeatureVector toFeatureVector() {
        return FeatureVector.newBuilder()
                .setModel(PaymentsModel.MODEL)
                .setEntity(entity)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setContext(Map.of(PaymentsModel.ENTITY_TYPE, entityType, PaymentsModel.REGION, region))
                .setFeatures(features)
                .setEventId(eventId)
                .build();
    }
}
