package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookDelivererTest {
    private static final BackoffPolicy POLICY = new BackoffPolicy(4, Duration.ofMillis(100), Duration.ofMillis(250),
            2.0);
    private static final String URL = "http://127.0.0.1:9/hook";

    /** Replays scripted responses (Integer = status, Exception = thrown) and records the calls. */
    private static final class Script implements WebhookTransport {
        final Deque<Object> responses;
        final List<Map<String, String>> headers = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();

        Script(Object... responses) {
            this.responses = new ArrayDeque<>(List.of(responses));
        }

        @Override
        public int post(URI url, Map<String, String> h, byte[] body, Duration timeout) throws IOException {
            headers.add(h);
            timeouts.add(timeout);
            Object r = responses.removeFirst();
            if (r instanceof IOException e) {
                throw e;
            }
            return (Integer) r;
        }
    }

    private final List<Duration> slept = new ArrayList<>();

    private WebhookDeliverer deliverer(Script s) {
        return new WebhookDeliverer(s, POLICY, Duration.ofSeconds(3), slept::add);
    }

    @Test
    void deliversOnFirstSuccessWithoutWaiting() {
        Script s = new Script(204);
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of("Authorization", "Bearer x"), new byte[] {1});
        assertEquals(DeliveryOutcome.Status.DELIVERED, o.status());
        assertEquals(1, o.attempts());
        assertEquals(List.of(), slept);
        assertEquals("Bearer x", s.headers.get(0).get("Authorization"));
        assertEquals(Duration.ofSeconds(3), s.timeouts.get(0));
    }

    @Test
    void retriesServerErrorsAndTimeoutsWithBackoff() {
        Script s = new Script(503, new HttpTimeoutException("request timed out"), 200);
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.DELIVERED, o.status());
        assertEquals(3, o.attempts());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), slept);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastStatus() {
        Script s = new Script(500, 500, 429, 502);
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.FAILED, o.status());
        assertEquals(4, o.attempts());
        assertEquals(502, o.lastStatus());
        assertEquals("HTTP 502", o.lastResult());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250)), slept);
        assertTrue(s.responses.isEmpty());
    }

    @Test
    void lastErrorNamesTheExceptionWhenThereWasNoResponse() {
        Script s = new Script(500, new IOException("a"), new IOException("b"), new IOException("connection refused"));
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.FAILED, o.status());
        assertEquals(-1, o.lastStatus());
        assertEquals("java.io.IOException: connection refused", o.lastResult());
    }

    @Test
    void clientErrorsAreNotRetried() {
        Script s = new Script(404, 200);
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.FAILED, o.status());
        assertEquals(1, o.attempts());
        assertEquals(404, o.lastStatus());
        assertEquals(List.of(), slept);
    }

    @Test
    void interruptionAbortsWithoutCountingAsFailure() {
        Script s = new Script(500, 200);
        WebhookDeliverer d = new WebhookDeliverer(s, POLICY, Duration.ofSeconds(1), w -> {
            throw new InterruptedException("shutdown");
        });
        DeliveryOutcome o = d.deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.ABORTED, o.status());
        assertTrue(Thread.interrupted(), "interrupt flag restored");
    }

    @Test
    void retryableStatuses() {
        assertTrue(WebhookDeliverer.retryable(500));
        assertTrue(WebhookDeliverer.retryable(408));
        assertTrue(WebhookDeliverer.retryable(429));
        assertEquals(false, WebhookDeliverer.retryable(400));
        assertEquals(false, WebhookDeliverer.retryable(401));
    }

    @Test
    void everyAttemptIsSignedWithItsOwnTimestamp() {
        Script s = new Script(503, 200);
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_767_225_600L);
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochSecond(now.getAndAdd(7));
            }
        };
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DeliveryOutcome o = new WebhookDeliverer(s, POLICY, Duration.ofSeconds(1), slept::add, clock)
                .deliver("sub", URL, Map.of("X-A", "1"), body, "secret-0123456789abcdef");
        assertEquals(DeliveryOutcome.Status.DELIVERED, o.status());
        assertEquals(List.of("1767225600", "1767225607"), s.headers.stream()
                .map(h -> h.get(WebhookSignature.TIMESTAMP_HEADER)).toList());
        for (Map<String, String> h : s.headers) {
            assertEquals("1", h.get("X-A"));
            assertTrue(WebhookSignature.verify("secret-0123456789abcdef", h.get(WebhookSignature.TIMESTAMP_HEADER),
                    h.get(WebhookSignature.SIGNATURE_HEADER), body), h.toString());
        }
        Script unsigned = new Script(200);
        deliverer(unsigned).deliver("sub", URL, Map.of(), body);
        assertEquals(null, unsigned.headers.get(0).get(WebhookSignature.SIGNATURE_HEADER));
    }

    @Test
    void aTargetTheGuardRefusesIsNotRetried() {
        Script s = new Script(new WebhookGuard.BlockedException("targets 10.0.0.1, a private address"), 200);
        DeliveryOutcome o = deliverer(s).deliver("sub", URL, Map.of(), new byte[0]);
        assertEquals(DeliveryOutcome.Status.FAILED, o.status());
        assertEquals(1, o.attempts());
        assertTrue(o.lastResult().startsWith("blocked: "), o.lastResult());
        assertEquals(List.of(), slept);
    }
}
