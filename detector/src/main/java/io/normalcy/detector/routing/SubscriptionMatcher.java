package io.normalcy.detector.routing;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionFilter;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One subscription's filter, compiled once (the regex) so matching an alert is a few map lookups. A filter
 * holds when every condition holds: model in {@code models} (empty = any), severity ≥ {@code minSeverity},
 * the whole entity matches {@code entityPattern} (null = any) and every {@code contextMatch} entry equals the
 * alert's context value. Disabled subscriptions match nothing. Immutable.
 */
public final class SubscriptionMatcher {
    private final AlertSubscription subscription;
    private final Set<String> models;
    private final Severity minSeverity;
    private final Pattern entityPattern;
    private final Map<String, String> contextMatch;

    /** @throws IllegalArgumentException naming the subscriber when the entity pattern is not a valid regex */
    public SubscriptionMatcher(AlertSubscription subscription) {
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        SubscriptionFilter f = subscription.getFilter();
        this.models = Set.copyOf(f.getModels());
        this.minSeverity = f.getMinSeverity() == null ? Severity.WARNING : f.getMinSeverity();
        try {
            this.entityPattern = f.getEntityPattern() == null ? null : Pattern.compile(f.getEntityPattern());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("subscription '" + subscription.getSubscriberId()
                    + "': filter.entityPattern is not a valid regular expression: " + e.getDescription(), e);
        }
        this.contextMatch = Map.copyOf(f.getContextMatch());
    }

    public String subscriberId() {
        return subscription.getSubscriberId();
    }

    public AlertSubscription subscription() {
        return subscription;
    }

    /** The subscription's Kafka topic, or null when it only has other delivery targets. */
    public String kafkaTopic() {
        String t = subscription.getDelivery() == null ? null : subscription.getDelivery().getKafkaTopic();
        return t == null || t.isBlank() ? null : t;
    }

    public boolean matches(Alert alert) {
        if (!subscription.getEnabled()) {
            return false;
        }
        if (!models.isEmpty() && !models.contains(alert.getModel())) {
            return false;
        }
        if (alert.getSeverity().ordinal() < minSeverity.ordinal()) {
            return false;
        }
        if (entityPattern != null && !entityPattern.matcher(alert.getEntity()).matches()) {
            return false;
        }
        if (!contextMatch.isEmpty()) {
            Map<String, String> ctx = alert.getContext();
            for (Map.Entry<String, String> e : contextMatch.entrySet()) {
                if (ctx == null || !e.getValue().equals(ctx.get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
