package io.normalcy.detector.delivery;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one alert body to one webhook with bounded retries ({@link BackoffPolicy}). A 2xx response is success.
 * Retried: connection/timeout errors, 5xx, 408 (request timeout) and 429 (too many requests). Any other 4xx means
 * the receiver rejects this request as such — repeating it cannot help — so it fails at once and is dead-lettered;
 * so does a 3xx (redirects are not followed, see {@link HttpWebhookTransport}) and a target the
 * {@link WebhookGuard} refuses at connection time. With a signing secret, every attempt carries a fresh
 * {@link WebhookSignature} (timestamp of that attempt), so receivers can reject stale replays.
 * Thread-safe (stateless apart from its collaborators).
 */
public final class WebhookDeliverer {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);

    /** Sleeps between attempts; a seam so tests run without waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final WebhookTransport transport;
    private final BackoffPolicy policy;
    private final Duration timeout;
    private final Sleeper sleeper;
    private final Clock clock;

    public WebhookDeliverer(WebhookTransport transport, BackoffPolicy policy, Duration timeout, Sleeper sleeper) {
        this(transport, policy, timeout, sleeper, Clock.systemUTC());
    }

    public WebhookDeliverer(WebhookTransport transport, BackoffPolicy policy, Duration timeout, Sleeper sleeper,
                            Clock clock) {
        this.transport = transport;
        this.policy = policy;
        this.timeout = timeout;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    public DeliveryOutcome deliver(String subscriberId, String url, Map<String, String> headers, byte[] body) {
        return deliver(subscriberId, url, headers, body, null);
    }

    /** @param signingSecret the subscription's {@link WebhookSignature} secret, or null to send unsigned */
    public DeliveryOutcome deliver(String subscriberId, String url, Map<String, String> headers, byte[] body,
                                   String signingSecret) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.FAILED, 0, -1,
                    "invalid webhookUrl: " + e.getMessage());
        }
        int lastStatus = -1;
        String lastError = null;
        for (int attempt = 1; ; attempt++) {
            try {
                lastStatus = transport.post(uri, signed(headers, body, signingSecret), body, timeout);
                lastError = null;
                if (lastStatus >= 200 && lastStatus < 300) {
                    return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.DELIVERED, attempt,
                            lastStatus, null);
                }
                if (!retryable(lastStatus)) {
                    return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.FAILED, attempt, lastStatus,
                            "not retryable");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.ABORTED, attempt, lastStatus,
                        "interrupted");
            } catch (WebhookGuard.BlockedException e) {
                return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.FAILED, attempt, -1,
                        "blocked: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) { // aborted by shutdown, not the receiver's fault
                    return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.ABORTED, attempt, -1,
                            "interrupted");
                }
                lastStatus = -1;
                lastError = e.getClass().getName() + ": " + e.getMessage();
            }
            if (!policy.retryAfter(attempt)) {
                return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.FAILED, attempt, lastStatus,
                        lastError);
            }
            Duration wait = policy.delayAfter(attempt);
            LOG.debug("Webhook {} of {} failed (attempt {}: {}), retrying in {}", url, subscriberId, attempt,
                    lastStatus >= 0 ? "HTTP " + lastStatus : lastError, wait);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryOutcome(subscriberId, url, DeliveryOutcome.Status.ABORTED, attempt, lastStatus,
                        "interrupted");
            }
        }
    }

    private Map<String, String> signed(Map<String, String> headers, byte[] body, String secret) {
        if (secret == null) {
            return headers;
        }
        long ts = clock.instant().getEpochSecond();
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts));
        h.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, ts, body));
        return h;
    }
}
