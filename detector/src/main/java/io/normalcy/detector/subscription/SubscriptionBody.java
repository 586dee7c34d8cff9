package io.normalcy.detector.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * JSON body of {@code POST /subscriptions}. Every field is nullable here so that a missing field is reported by
 * {@link SubscriptionValidator} with its name instead of a generic binding error.
 * <pre>{@code
 * {"subscriberId": "ops-payments",
 *  "filter": {"models": ["payments"], "minSeverity": "CRITICAL", "entityPattern": "card-.*",
 *             "contextMatch": {"country": "FR"}},
 *  "delivery": {"kafkaTopic": "alerts.ops", "webhookUrl": "https://hooks.example/normalcy",
 *               "webhookHeaders": {"Authorization": "Bearer …"}},
 *  "enabled": true}
 * }</pre>
 *
 * @param subscriberId unique id, also the Kafka record key and the URL path segment ([A-Za-z0-9._-], ≤ 249)
 * @param filter       which alerts; absent = every alert of severity ≥ WARNING
 * @param delivery     where to; at least one of kafkaTopic / webhookUrl
 * @param enabled      default true; false pauses delivery without deleting
 */
@Serdeable
public record SubscriptionBody(@Nullable String subscriberId, @Nullable Filter filter, @Nullable Delivery delivery,
                               @Nullable Boolean enabled) {

    /**
     * @param models        model names; empty or absent = all models
     * @param minSeverity   NORMAL, WARNING (default) or CRITICAL, case-insensitive
     * @param entityPattern Java regex the whole entity must match; absent = any
     * @param contextMatch  context values the alert must carry (all must be equal)
     */
    @Serdeable
    public record Filter(@Nullable List<String> models, @Nullable String minSeverity, @Nullable String entityPattern,
                         @Nullable Map<String, String> contextMatch) {
    }

    /**
     * @param kafkaTopic     topic matching alerts are copied to (created if missing)
     * @param webhookUrl     http(s) URL matching alerts are POSTed to as JSON
     * @param webhookHeaders extra request headers, e.g. Authorization
     */
    @Serdeable
    public record Delivery(@Nullable String kafkaTopic, @Nullable String webhookUrl,
                           @Nullable Map<String, String> webhookHeaders) {
    }
}
