package io.normalcy.detector.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stored subscription as the API returns it: the {@link SubscriptionBody} fields with defaults filled in, plus
 * timestamps. A projection of the Avro {@link AlertSubscription} (the HTTP layer never serializes Avro classes).
 * The stored signing secret is never part of it; {@code signingSecret} is set only in the response to the request
 * that generated it ({@link #withIssuedSecret}), so the subscriber sees it exactly once. Webhook header values are
 * write-only too: they usually hold the receiver's credentials, so responses show each header's name with
 * {@link #MASKED} as its value (a client replacing a subscription sends the real values again).
 */
@Serdeable
public record SubscriptionResource(String subscriberId, Filter filter, Delivery delivery, boolean enabled,
                                   Instant createdAt, Instant updatedAt, @Nullable String signingSecret) {
    /** What responses show instead of a webhook header's value. */
    public static final String MASKED = "****";

    @Serdeable
    public record Filter(List<String> models, String minSeverity, @Nullable String entityPattern,
                         Map<String, String> contextMatch) {
    }

    @Serdeable
    public record Delivery(@Nullable String kafkaTopic, @Nullable String webhookUrl,
                           Map<String, String> webhookHeaders) {
    }

    public static SubscriptionResource of(AlertSubscription s) {
        SubscriptionFilter f = s.getFilter();
        SubscriptionDelivery d = s.getDelivery();
        return new SubscriptionResource(s.getSubscriberId(),
                new Filter(List.copyOf(f.getModels()), f.getMinSeverity().name(), f.getEntityPattern(),
                        new TreeMap<>(f.getContextMatch())),
                new Delivery(d.getKafkaTopic(), d.getWebhookUrl(), masked(d.getWebhookHeaders())),
                s.getEnabled(), s.getCreatedAt(), s.getUpdatedAt(), null);
    }

    /** This resource with the secret the detector has just generated (null: unchanged). */
    public SubscriptionResource withIssuedSecret(String issuedSecret) {
        return issuedSecret == null ? this : new SubscriptionResource(subscriberId, filter, delivery, enabled,
                createdAt, updatedAt, issuedSecret);
    }

    private static Map<String, String> masked(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>();
        headers.keySet().forEach(name -> out.put(name, MASKED));
        return out;
    }
}
