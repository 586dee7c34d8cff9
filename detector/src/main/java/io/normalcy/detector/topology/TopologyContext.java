package io.normalcy.detector.topology;

import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.drift.DriftMonitor;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelResolver;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.registry.SchemaRegistryClient;

/**
 * The shared, thread-safe collaborators every scoring task of one topology uses.
 *
 * @param outputs        output size limit and the subscription topics known to exist
 * @param schemaRegistry schema registry for Confluent-framed inputs, or null when none is configured
 */
record TopologyContext(DetectorTopics topics, DetectorSettings settings, ModelResolver resolver,
                       SubscriptionRegistry subscriptions, DriftMonitor drift, DetectorMetrics metrics,
                       OutputSettings outputs, SchemaRegistryClient schemaRegistry) {
}
