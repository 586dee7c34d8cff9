package io.normalcy.schemas.topics;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.internals.Topic;

/**
 * Names of the Normalcy topics (docs/design.md § Topics). Installations rename them with a prefix
 * ({@link #withPrefix}) or individually through the record constructor; every service must be given
 * the same names.
 */
public record TopicNames(String features, String scores, String alerts, String models, String retrain,
                         String subscriptions, String dlq, String parking, String trainingStatus) {

    /** Prefix of the default names. */
    public static final String DEFAULT_PREFIX = "normalcy.";

    /** @throws org.apache.kafka.common.errors.InvalidTopicException naming an invalid name */
    public TopicNames {
        Set<String> seen = new HashSet<>();
        List<String> all = java.util.Arrays.asList(features, scores, alerts, models, retrain, subscriptions, dlq,
                parking, trainingStatus);
        for (String n : all) {
            Objects.requireNonNull(n, "topic name");
            Topic.validate(n);
            if (!seen.add(n)) {
                throw new IllegalArgumentException("Topic name used twice: " + n);
            }
        }
    }

    /** normalcy.features, normalcy.scores, ... */
    public static TopicNames defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /** {@code prefix + "features"}, {@code prefix + "scores"}, ..., {@code prefix + "training-status"}. */
    public static TopicNames withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new TopicNames(prefix + "features", prefix + "scores", prefix + "alerts", prefix + "models",
                prefix + "retrain", prefix + "subscriptions", prefix + "dlq", prefix + "parking",
                prefix + "training-status");
    }

    /** All names, in the order of the design table. */
    public List<String> all() {
        return List.of(features, scores, alerts, models, retrain, subscriptions, dlq, parking, trainingStatus);
    }
}
