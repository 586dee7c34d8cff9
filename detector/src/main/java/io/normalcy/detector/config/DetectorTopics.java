package io.normalcy.detector.config;

import java.util.List;
import java.util.Objects;

/**
 * The topic names the detector topology reads and writes (defaults: docs/design.md, "Topics"). A plain record so
 * the topology stays a pure function of its inputs and tests can build it without Micronaut.
 *
 * @param inputs        feature-vector topics (keyed by entity), at least one
 * @param scores        every scored event
 * @param alerts        events with severity ≥ WARNING (after the per-entity cool-down)
 * @param models        compacted model versions, keyed by model name
 * @param retrain       drift-triggered retrain requests, keyed by model name
 * @param subscriptions compacted alert subscriptions, keyed by subscriber id
 * @param dlq           dead letters, keyed by the original key bytes
 * @param parking       records of models that have no version yet, original key/value, replayable
 */
public record DetectorTopics(List<String> inputs, String scores, String alerts, String models, String retrain,
                             String subscriptions, String dlq, String parking) {

    public static final String FEATURES = "normalcy.features";

    public DetectorTopics {
        Objects.requireNonNull(inputs, "inputs");
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("normalcy.detector.topics.inputs must name at least one topic");
        }
        inputs = List.copyOf(inputs);
        for (String[] t : new String[][] {{"scores", scores}, {"alerts", alerts}, {"models", models},
                {"retrain", retrain}, {"subscriptions", subscriptions}, {"dlq", dlq}, {"parking", parking}}) {
            if (t[1] == null || t[1].isBlank()) {
                throw new IllegalArgumentException("normalcy.detector.topics." + t[0] + " must not be blank");
            }
        }
    }

    /** The names of docs/design.md. */
    public static DetectorTopics defaults() {
        return new DetectorTopics(List.of(FEATURES), "normalcy.scores", "normalcy.alerts", "normalcy.models",
                "normalcy.retrain", "normalcy.subscriptions", "normalcy.dlq", "normalcy.parking");
    }
}
