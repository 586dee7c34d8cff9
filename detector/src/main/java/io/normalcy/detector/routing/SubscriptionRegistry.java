package io.normalcy.detector.routing;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled subscriptions by subscriber id, maintained by the subscriptions global-store processor and read by
 * every stream task (and by the delivery/SSE side of the service). Each entry is immutable and replaced whole.
 */
public final class SubscriptionRegistry {
    private final Map<String, SubscriptionMatcher> matchers = new ConcurrentHashMap<>();

    public void put(SubscriptionMatcher m) {
        matchers.put(m.subscriberId(), m);
    }

    public void remove(String subscriberId) {
        matchers.remove(subscriberId);
    }

    public SubscriptionMatcher get(String subscriberId) {
        return matchers.get(subscriberId);
    }

    public boolean isEmpty() {
        return matchers.isEmpty();
    }

    /** Enabled subscriptions whose filter matches, in subscriber-id order (deterministic output order). */
    public List<SubscriptionMatcher> matching(Alert alert) {
        if (matchers.isEmpty()) {
            return List.of();
        }
        List<SubscriptionMatcher> out = new ArrayList<>(2);
        for (SubscriptionMatcher m : matchers.values()) {
            if (m.matches(alert)) {
                out.add(m);
            }
        }
        if (out.size() > 1) {
            out.sort(Comparator.comparing(SubscriptionMatcher::subscriberId));
        }
        return out;
    }

    /**
     * Stored subscriptions that match nothing because their filter cannot be compiled (see
     * {@link SubscriptionMatcher#unusable()}), by subscriber id; exported as a gauge so the operator notices.
     */
    public int unusable() {
        int n = 0;
        for (SubscriptionMatcher m : matchers.values()) {
            if (m.unusable() != null) {
                n++;
            }
        }
        return n;
    }

    public List<AlertSubscription> all() {
        return matchers.values().stream().map(SubscriptionMatcher::subscription)
                .sorted(Comparator.comparing(AlertSubscription::getSubscriberId)).toList();
    }
}
