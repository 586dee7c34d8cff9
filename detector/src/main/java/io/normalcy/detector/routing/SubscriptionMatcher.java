package io.normalcy.detector.routing;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionFilter;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription's filter, compiled once (the regex) so matching an alert is a few map lookups. A filter
 * holds when every condition holds: model in {@code models} (empty = any), severity ≥ {@code minSeverity},
 * the whole entity matches {@code entityPattern} (null = any) and every {@code contextMatch} entry equals the
 * alert's context value. Disabled subscriptions match nothing. Immutable.
 *
 * <p>The entity pattern is compiled with RE2/J, not {@code java.util.regex}: matching runs on the Kafka Streams
 * thread for every alert, and a backtracking engine lets one subscriber stall scoring for everybody with a
 * pattern like {@code (a+)+b} (catastrophic backtracking). RE2 matches in time linear in the entity's length
 * whatever the pattern; the price is that backreferences and lookaround are not supported.
 *
 * <p>A stored subscription whose pattern RE2 cannot compile (written before the API checked RE2 syntax, or
 * straight to the topic) does not fail the caller: the matcher is {@linkplain #unusable() unusable}, matches
 * nothing, and the problem is logged once at WARN and counted by {@link SubscriptionRegistry#unusable()}.
 */
public final class SubscriptionMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionMatcher.class);

    private final AlertSubscription subscription;
    private final Set<String> models;
    private final Severity minSeverity;
    private final Pattern entityPattern;
    private final Map<String, String> contextMatch;
    private final String problem;

    public SubscriptionMatcher(AlertSubscription subscription) {
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        SubscriptionFilter f = subscription.getFilter();
        this.models = Set.copyOf(f.getModels());
        this.minSeverity = f.getMinSeverity() == null ? Severity.WARNING : f.getMinSeverity();
        this.contextMatch = Map.copyOf(f.getContextMatch());
        String why = entityPatternProblem(f.getEntityPattern());
        this.entityPattern = why == null && f.getEntityPattern() != null ? Pattern.compile(f.getEntityPattern()) : null;
        this.problem = why == null ? null : "filter.entityPattern " + why;
        if (problem != null) {
            LOG.warn("Subscription '{}' matches nothing until it is fixed: {}", subscription.getSubscriberId(),
                    problem);
        }
    }

    /**
     * Why {@code pattern} is not a usable RE2 pattern (e.g. "is not valid RE2 syntax: invalid escape sequence:
     * `\1` (backreferences and lookaround are not supported)"), or null when it is (or is null).
     */
    public static String entityPatternProblem(String pattern) {
        if (pattern == null) {
            return null;
        }
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            return "is not valid RE2 syntax: " + e.getDescription() + ": `" + e.getPattern() + "`"
                    + " (RE2 has no backreferences, lookaround or possessive quantifiers)";
        }
    }

    public String subscriberId() {
        return subscription.getSubscriberId();
    }

    public AlertSubscription subscription() {
        return subscription;
    }

    /** Why this subscription matches nothing despite being stored (an entity pattern RE2 rejects), or null. */
    public String unusable() {
        return problem;
    }

    /** The subscription's Kafka topic, or null when it only has other delivery targets. */
    public String kafkaTopic() {
        String t = subscription.getDelivery() == null ? null : subscription.getDelivery().getKafkaTopic();
        return t == null || t.isBlank() ? null : t;
    }

    public boolean matches(Alert alert) {
        if (!subscription.getEnabled() || problem != null) {
            return false;
        }
        if (!models.isEmpty() && !models.contains(alert.getModel())) {
            return false;
        }
        if (alert.getSeverity().ordinal() < minSeverity.ordinal()) {
            return false;
        }
        if (entityPattern != null && !entityPattern.matches(alert.getEntity())) {
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
