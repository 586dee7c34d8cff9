package io.normalcy.detector.delivery;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one alert body to one webhook with bounded retries ({@link BackoffPolicy}). A 2xx response is success.
 * Retried: connection/timeout errors, 5xx, 408 (request timeout) and 429 (too many requests). Any other 4xx means
 * the receiver rejects this request as such — repeating it cannot help — so it fails at once and is dead-lettered.
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

    public WebhookDeliverer(WebhookTransport transport, BackoffPolicy policy, Duration timeout, Sleeper sleeper) {
        this.transport = transport;
        this.policy = policy;
        this.timeout = timeout;
        this.sleeper = sleeper;
    }

    public static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    public DeliveryOutcome deliver(String subscriberId, String url, Map<String, String> headers, byte[] body) {
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
                lastStatus = transport.post(uri, headers, body, timeout);
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
            } catch (IOException | RuntimeException e) {
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
}
