package io.normalcy.detector.subscription;

import io.micronaut.core.annotation.Creator;
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
 * The response to the request that creates the subscription's webhook carries its {@code signingSecret} (once;
 * never in GET); see {@code WebhookSignature}.
 *
 * @param subscriberId unique id, also the Kafka record key and the URL path segment ([A-Za-z0-9._-], ≤ 249)
 * @param filter       which alerts; absent = every alert of severity ≥ WARNING
 * @param delivery     where to; at least one of kafkaTopic / webhookUrl
 * @param enabled      default true; false pauses delivery without deleting
 * @param signingSecret key of the webhook signatures (16-256 printable ASCII characters); absent = keep the
 *                      current one, or have the detector generate one (returned once, in this response)
 */
@Serdeable
public record SubscriptionBody(@Nullable String subscriberId, @Nullable Filter filter, @Nullable Delivery delivery,
                               @Nullable Boolean enabled, @Nullable String signingSecret) {

    @Creator
    public SubscriptionBody {
    }

    /** Without a signing secret (the detector generates one for a webhook). */
    public SubscriptionBody(String subscriberId, Filter filter, Delivery delivery, Boolean enabled) {
        this(subscriberId, filter, delivery, enabled, null);
    }

    /**
     * @param models        model names; empty or absent = all models
     * @param minSeverity   NORMAL, WARNING (default) or CRITICAL, case-insensitive
     * @param entityPattern RE2 regex the whole entity must match (linear time: no backreferences or lookaround,
     *                      at most 1000 characters); absent = any
     * @param contextMatch  context values the alert must carry (all must be equal)
     */
    @Serdeable
    public record Filter(@Nullable List<String> models, @Nullable String minSeverity, @Nullable String entityPattern,
                         @Nullable Map<String, String> contextMatch) {
    }

    /**
     * @param kafkaTopic     existing topic matching alerts are copied to (a missing one is created only under
     *                       {@code normalcy.detector.subscriptions.topic-prefix}); not a Normalcy or Kafka
     *                       internal topic
     * @param webhookUrl     http(s) URL matching alerts are POSTed to as JSON; must reach a public address unless
     *                       allowed by {@code normalcy.detector.webhooks.*} (see {@code WebhookGuard})
     * @param webhookHeaders extra request headers, e.g. Authorization (not X-Normalcy-*)
     */
    @Serdeable
    public record Delivery(@Nullable String kafkaTopic, @Nullable String webhookUrl,
                           @Nullable Map<String, String> webhookHeaders) {
    }
}
