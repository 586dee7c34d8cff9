package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;
import java.util.Locale;

/**
 * Alert delivery settings, bound from {@code normalcy.detector.delivery.*} (e.g.
 * {@code NORMALCY_DETECTOR_DELIVERY_MAX_ATTEMPTS=8}). Validated when bound: a bad value stops start-up with the
 * full key in the message, because a silently wrong retry policy would either hammer a receiver or drop alerts.
 *
 * <p>Only webhook delivery uses a consumer group ({@code webhook-group-id}): every alert must be delivered once per
 * matching subscription across all detector instances. The subscriptions view and the SSE feed assign every
 * partition manually and use no group, because each instance must see every record (its own HTTP clients).
 *
 * @param enabled                  run the webhook delivery consumer
 * @param maxAttempts              HTTP attempts per alert and subscriber before it is dead-lettered (1 = no retry)
 * @param initialBackoff           wait after the first failed attempt
 * @param maxBackoff               cap of the exponentially growing wait
 * @param backoffMultiplier        growth factor of the wait per failed attempt (≥ 1)
 * @param requestTimeout           per-request timeout (connect + response)
 * @param webhookGroupId           consumer group of webhook delivery (offsets are committed after delivery)
 * @param webhookStartOffset       where a new webhook group starts: {@code latest} (default: no flood of history
 *                                 on first deployment) or {@code earliest}
 * @param maxPollRecords           alerts fetched per poll (the poll loop only hands alerts to the subscriber queues)
 * @param subscriberQueueSize      alerts waiting per subscriber (each subscriber has its own queue and thread, so a
 *                                 slow or dead receiver delays nobody else); an alert that finds its subscriber's
 *                                 queue full is dead-lettered at once ({@code DELIVERY_FAILED}, error class
 *                                 {@code QUEUE_FULL}) instead of buffering without limit
 * @param streamEnabled            serve {@code GET /alerts/stream}
 * @param streamBufferSize         events buffered per SSE client; a client that falls further behind is disconnected
 * @param streamKeepAlive          interval of SSE keep-alive comments (keeps proxies from closing idle streams)
 * @param subscriptionsSyncTimeout how long a write through the API waits for the local view to show it
 */
@ConfigurationProperties("normalcy.detector.delivery")
public record DeliveryConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "5") @Min(1) @Max(100) int maxAttempts,
        @Bindable(defaultValue = "500ms") @NotNull Duration initialBackoff,
        @Bindable(defaultValue = "30s") @NotNull Duration maxBackoff,
        @Bindable(defaultValue = "2.0") @DecimalMin("1.0") double backoffMultiplier,
        @Bindable(defaultValue = "10s") @NotNull Duration requestTimeout,
        @Bindable(defaultValue = "normalcy-detector-webhooks") @NotBlank String webhookGroupId,
        @Bindable(defaultValue = "latest") @NotNull
        @Pattern(regexp = "(?i)earliest|latest", message = "must be earliest or latest") String webhookStartOffset,
        @Bindable(defaultValue = "10") @Min(1) @Max(10_000) int maxPollRecords,
        @Bindable(defaultValue = "1000") @Min(1) @Max(1_000_000) int subscriberQueueSize,
        @Bindable(defaultValue = "true") boolean streamEnabled,
        @Bindable(defaultValue = "256") @Min(1) int streamBufferSize,
        @Bindable(defaultValue = "15s") @NotNull Duration streamKeepAlive,
        @Bindable(defaultValue = "10s") @NotNull Duration subscriptionsSyncTimeout) {

    static final String P = "normalcy.detector.delivery.";

    public DeliveryConfiguration {
        positive("initial-backoff", initialBackoff);
        positive("max-backoff", maxBackoff);
        positive("request-timeout", requestTimeout);
        positive("stream-keep-alive", streamKeepAlive);
        positive("subscriptions-sync-timeout", subscriptionsSyncTimeout);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(P + "max-backoff (" + maxBackoff + ") must be >= " + P
                    + "initial-backoff (" + initialBackoff + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(P + "max-attempts must be >= 1, got " + maxAttempts);
        }
        if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
            throw new IllegalArgumentException(P + "backoff-multiplier must be a finite number >= 1, got "
                    + backoffMultiplier);
        }
        if (webhookGroupId == null || webhookGroupId.isBlank()) {
            throw new IllegalArgumentException(P + "webhook-group-id must not be blank");
        }
        String start = webhookStartOffset == null ? "" : webhookStartOffset.trim().toLowerCase(Locale.ROOT);
        if (!start.equals("earliest") && !start.equals("latest")) {
            throw new IllegalArgumentException(P + "webhook-start-offset must be earliest or latest, got '"
                    + webhookStartOffset + "'");
        }
        webhookStartOffset = start;
        for (Object[] c : new Object[][] {{"max-poll-records", maxPollRecords},
                {"subscriber-queue-size", subscriberQueueSize}, {"stream-buffer-size", streamBufferSize}}) {
            if ((int) c[1] < 1) {
                throw new IllegalArgumentException(P + c[0] + " must be >= 1, got " + c[1]);
            }
        }
    }

    /** The retry policy of webhook calls. */
    public BackoffPolicy backoffPolicy() {
        return new BackoffPolicy(maxAttempts, initialBackoff, maxBackoff, backoffMultiplier);
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(P + key + " must be a positive duration (e.g. 500ms, 10s), got " + d);
        }
    }
}
