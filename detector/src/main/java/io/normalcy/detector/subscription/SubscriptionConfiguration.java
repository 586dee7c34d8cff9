package io.normalcy.detector.subscription;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where subscriptions may send alerts, bound from {@code normalcy.detector.subscriptions.*}. A subscription's
 * {@code delivery.kafkaTopic} must already exist, unless its name starts with {@code topic-prefix} and
 * {@code create-topics} is on: then the detector creates it (with the alerts topic's settings). Without this
 * bound, anyone allowed to POST a subscription could create arbitrary topics in the cluster.
 *
 * @param topicPrefix  names the detector may create; default: the alerts topic name plus a dot
 *                     ({@code normalcy.alerts.}), e.g. {@code normalcy.alerts.ops}
 * @param createTopics create missing topics under the prefix; default: {@code normalcy.detector.ensure-topics}
 *                     (off where topics are provisioned outside the detector, e.g. the Kubernetes base)
 */
@ConfigurationProperties("normalcy.detector.subscriptions")
public record SubscriptionConfiguration(@Nullable String topicPrefix, @Nullable Boolean createTopics) {
    static final String P = "normalcy.detector.subscriptions.";

    public SubscriptionConfiguration {
        if (topicPrefix != null) {
            topicPrefix = topicPrefix.trim();
            if (!topicPrefix.matches("[a-zA-Z0-9._-]{1,200}") || topicPrefix.startsWith("_")) {
                throw new IllegalArgumentException(P + "topic-prefix must be 1-200 characters of [a-zA-Z0-9._-]"
                        + " not starting with '_', got '" + topicPrefix + "'");
            }
        }
    }

    /** The effective prefix: {@link #topicPrefix()} or {@code alertsTopic + "."}. */
    public String prefix(String alertsTopic) {
        return topicPrefix != null ? topicPrefix : alertsTopic + ".";
    }

    /** The effective switch: {@link #createTopics()} or {@code ensureTopics}. */
    public boolean create(boolean ensureTopics) {
        return createTopics != null ? createTopics : ensureTopics;
    }
}
