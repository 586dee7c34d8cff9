package io.normalcy.detector.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.normalcy.detector.delivery.AlertBroadcaster;
import io.normalcy.detector.delivery.WebhookDeliveryService;
import io.normalcy.detector.subscription.SubscriptionView;
import io.normalcy.schemas.kafka.ConsumerLoop;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code /health} contribution "consumers": the detector's background consumers outside Kafka Streams (the
 * subscriptions view, the alert stream, webhook delivery). Each is a {@link ConsumerLoop} that restarts itself after
 * a retriable failure, so only {@link ConsumerLoop.State#FAILED} — a failure no restart cures: authentication,
 * authorization, configuration — makes this DOWN: the consumer stopped for good and the detector no longer does
 * that part of its job (e.g. no webhook is delivered) although Kafka Streams may still run. Details: each loop's
 * state and, when failed, the failure. A loop still NEW (the alert stream when disabled) is not a fault.
 */
@Singleton
public final class ConsumersHealthIndicator implements HealthIndicator {
    private final Map<String, ConsumerLoop<?, ?>> loops;

    @Inject
    ConsumersHealthIndicator(SubscriptionView subscriptions, AlertBroadcaster alerts,
                             @Nullable WebhookDeliveryService webhooks) {
        this(loops(subscriptions, alerts, webhooks));
    }

    /** @param loops the consumer loops by the name shown in the details, in display order */
    ConsumersHealthIndicator(Map<String, ConsumerLoop<?, ?>> loops) {
        this.loops = new LinkedHashMap<>(loops);
    }

    private static Map<String, ConsumerLoop<?, ?>> loops(SubscriptionView subscriptions, AlertBroadcaster alerts,
                                                        WebhookDeliveryService webhooks) {
        Map<String, ConsumerLoop<?, ?>> loops = new LinkedHashMap<>();
        loops.put("subscriptionsView", subscriptions.loop());
        loops.put("alertStream", alerts.loop());
        if (webhooks != null) { // delivery disabled: no such consumer
            loops.put("webhookDelivery", webhooks.loop());
        }
        return loops;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthStatus status = HealthStatus.UP;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, ConsumerLoop<?, ?>> e : loops.entrySet()) {
            ConsumerLoop<?, ?> loop = e.getValue();
            ConsumerLoop.State state = loop.state();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", state.name());
            if (state == ConsumerLoop.State.FAILED) {
                status = HealthStatus.DOWN;
                Throwable failure = loop.failure();
                if (failure != null) {
                    detail.put("error", failure.toString());
                }
            }
            details.put(e.getKey(), detail);
        }
        return Publishers.just(HealthResult.builder("consumers", status).details(details).build());
    }
}
