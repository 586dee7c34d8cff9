package io.normalcy.detector.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.routing.SubscriptionRegistry;

import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Meters of alert delivery, next to the detector's own ({@link DetectorMetrics}): per subscriber, successful and
 * failed (dead-lettered) webhook deliveries, retries and queue overflows; stored subscriptions that cannot be used;
 * SSE clients dropped for being too slow.
 * Dead letters are also counted in {@code normalcy.dlq{reason}} so one dashboard shows every DLQ cause.
 */
@Singleton
public class DeliveryMetrics {
    public static final String SUCCESSES = "normalcy.delivery.successes";
    public static final String FAILURES = "normalcy.delivery.failures";
    public static final String RETRIES = "normalcy.delivery.retries";
    public static final String STREAM_DROPPED = "normalcy.alerts.stream.dropped";
    public static final String OVERFLOWS = "normalcy.delivery.overflows";
    public static final String UNUSABLE = "normalcy.subscriptions.unusable";

    /** Prometheus help text of the per-subscriber counters. */
    private static final Map<String, String> HELP = Map.of(
            SUCCESSES, "Webhook deliveries that succeeded, by subscriber",
            FAILURES, "Webhook deliveries that failed for good (dead-lettered), by subscriber",
            RETRIES, "Webhook delivery attempts beyond the first, by subscriber",
            OVERFLOWS, "Alerts dead-lettered because the subscriber's queue was full");

    private final DetectorMetrics detector;
    private final MeterRegistry registry;

    public DeliveryMetrics(DetectorMetrics detector) {
        this.detector = detector;
        this.registry = detector.registry();
    }

    public void outcome(DeliveryOutcome o) {
        switch (o.status()) {
            case DELIVERED -> counter(SUCCESSES, o.subscriberId()).increment();
            case FAILED -> counter(FAILURES, o.subscriberId()).increment();
            case ABORTED -> { }
        }
        if (o.attempts() > 1) {
            counter(RETRIES, o.subscriberId()).increment(o.attempts() - 1);
        }
    }

    /** An alert found its subscriber's queue full and was dead-lettered without an attempt. */
    public void overflow(String subscriber) {
        counter(OVERFLOWS, subscriber).increment();
    }

    /** Stored subscriptions that match nothing because their filter does not compile (see SubscriptionMatcher). */
    public void unusableSubscriptionsGauge(SubscriptionRegistry subscriptions) {
        Gauge.builder(UNUSABLE, subscriptions, SubscriptionRegistry::unusable)
                .description("stored subscriptions ignored because their entity pattern is not valid RE2")
                .register(registry);
    }

    public void deadLetter(String reason) {
        detector.deadLetter(reason);
    }

    public void streamClientDropped() {
        Counter.builder(STREAM_DROPPED).description("SSE clients disconnected because they fell behind")
                .register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public double count(String name, String subscriber) {
        Counter c = registry.find(name).tag("subscriber", subscriber).counter();
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String subscriber) {
        return Counter.builder(name).description(HELP.get(name)).tag("subscriber", subscriber).register(registry);
    }
}
