package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.detector.runtime.StreamsLifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding, defaults and validation of {@code normalcy.detector.delivery.*}. */
class DeliveryConfigurationTest {

    private static ApplicationContext run(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(StreamsLifecycle.AUTOSTART, "false");
        all.put("micronaut.server.port", "-1");
        all.put("kafka.bootstrap.servers", "127.0.0.1:1"); // nothing listens: background clients just retry
        all.put("normalcy.detector.ensure-topics", "false");
        return ApplicationContext.run(all);
    }

    private static DeliveryConfiguration config(int attempts, String initial, String max, String timeout,
                                                 String start) {
        return new DeliveryConfiguration(true, attempts, Duration.parse(initial), Duration.parse(max), 2.0,
                Duration.parse(timeout), "g", start, 10, 2, true, 16, Duration.ofSeconds(15), Duration.ofSeconds(5));
    }

    @Test
    void bindsDefaultsAndOverrides() {
        try (ApplicationContext ctx = run(Map.of("normalcy.detector.delivery.enabled", "false",
                "normalcy.detector.delivery.stream-enabled", "false"))) {
            DeliveryConfiguration c = ctx.getBean(DeliveryConfiguration.class);
            assertFalse(c.enabled());
            assertEquals(5, c.maxAttempts());
            assertEquals(Duration.ofMillis(500), c.initialBackoff());
            assertEquals(Duration.ofSeconds(30), c.maxBackoff());
            assertEquals(Duration.ofSeconds(10), c.requestTimeout());
            assertEquals("normalcy-detector-webhooks", c.webhookGroupId());
            assertEquals("latest", c.webhookStartOffset());
            assertEquals(1000, c.subscriberQueueSize());
            assertFalse(ctx.containsBean(WebhookDeliveryService.class), "delivery disabled");
        }
        try (ApplicationContext ctx = run(Map.of("normalcy.detector.delivery.enabled", "false",
                "normalcy.detector.delivery.max-attempts", "3",
                "normalcy.detector.delivery.initial-backoff", "50ms",
                "normalcy.detector.delivery.max-backoff", "2s",
                "normalcy.detector.delivery.webhook-start-offset", "EARLIEST",
                "normalcy.detector.delivery.webhook-group-id", "hooks-eu"))) {
            DeliveryConfiguration c = ctx.getBean(DeliveryConfiguration.class);
            assertEquals(new BackoffPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0), c.backoffPolicy());
            assertEquals("earliest", c.webhookStartOffset());
            assertEquals("hooks-eu", c.webhookGroupId());
        }
    }

    @Test
    void invalidValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(3, "PT5S", "PT1S", "PT1S", "latest"));
        assertTrue(e.getMessage().contains("normalcy.detector.delivery.max-backoff"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(3, "PT1S", "PT1S", "PT0S", "latest"));
        assertTrue(e.getMessage().contains("normalcy.detector.delivery.request-timeout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(0, "PT1S", "PT1S", "PT1S", "latest"));
        assertTrue(e.getMessage().contains("normalcy.detector.delivery.max-attempts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(1, "PT1S", "PT1S", "PT1S", "newest"));
        assertTrue(e.getMessage().contains("normalcy.detector.delivery.webhook-start-offset"), e.getMessage());
    }

    @Test
    void invalidBoundValueStopsStartup() {
        Exception e = assertThrows(Exception.class, () -> {
            try (ApplicationContext ctx = run(Map.of("normalcy.detector.delivery.max-backoff", "10ms",
                    "normalcy.detector.delivery.initial-backoff", "1s"))) {
                ctx.getBean(DeliveryConfiguration.class);
            }
        });
        String all = messages(e);
        assertTrue(all.contains("normalcy.detector.delivery.max-backoff"), all);
    }

    @Test
    void subscriberQueueSizeIsBoundAndValidated() {
        try (ApplicationContext ctx = run(Map.of("normalcy.detector.delivery.enabled", "false",
                "normalcy.detector.delivery.subscriber-queue-size", "7"))) {
            assertEquals(7, ctx.getBean(DeliveryConfiguration.class).subscriberQueueSize());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeliveryConfiguration(
                true, 3, Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1), "g", "latest", 10,
                0, true, 16, Duration.ofSeconds(15), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("normalcy.detector.delivery.subscriber-queue-size"), e.getMessage());
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
