package io.normalcy.detector.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionValidatorTest {
    private static final Instant C = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant U = Instant.parse("2026-02-01T00:00:00Z");
    private final SubscriptionValidator v = new SubscriptionValidator(Set.of("normalcy.alerts", "normalcy.dlq"));

    private static SubscriptionBody body(String id, SubscriptionBody.Filter f, SubscriptionBody.Delivery d) {
        return new SubscriptionBody(id, f, d, null);
    }

    private static SubscriptionBody.Delivery hook(String url) {
        return new SubscriptionBody.Delivery(null, url, null);
    }

    private List<String> fields(SubscriptionBody b) {
        InvalidSubscriptionException e = assertThrows(InvalidSubscriptionException.class,
                () -> v.toSubscription(b, C, U));
        e.errors().forEach(fe -> assertTrue(fe.message().contains(fe.field().replaceAll("\\.[^.]*$", "")),
                "message names its field: " + fe));
        return e.errors().stream().map(ApiError.FieldError::field).toList();
    }

    @Test
    void mapsAValidBodyWithDefaults() {
        AlertSubscription s = v.toSubscription(body("ops-1", new SubscriptionBody.Filter(List.of("payments"),
                "critical", "card-.*", Map.of("country", "FR")), new SubscriptionBody.Delivery("ops.alerts",
                "https://hooks.example/x", Map.of("Authorization", "Bearer t"))), C, U);
        assertEquals("ops-1", s.getSubscriberId());
        assertEquals(List.of("payments"), s.getFilter().getModels());
        assertEquals(Severity.CRITICAL, s.getFilter().getMinSeverity());
        assertEquals("card-.*", s.getFilter().getEntityPattern());
        assertEquals(Map.of("country", "FR"), s.getFilter().getContextMatch());
        assertEquals("ops.alerts", s.getDelivery().getKafkaTopic());
        assertEquals("https://hooks.example/x", s.getDelivery().getWebhookUrl());
        assertEquals(Map.of("Authorization", "Bearer t"), s.getDelivery().getWebhookHeaders());
        assertTrue(s.getEnabled());
        assertEquals(C, s.getCreatedAt());
        assertEquals(U, s.getUpdatedAt());

        AlertSubscription minimal = v.toSubscription(new SubscriptionBody("m", null, hook("http://h/"), false), C, U);
        assertEquals(Severity.WARNING, minimal.getFilter().getMinSeverity());
        assertEquals(List.of(), minimal.getFilter().getModels());
        assertNull(minimal.getFilter().getEntityPattern());
        assertNull(minimal.getDelivery().getKafkaTopic());
        assertEquals(false, minimal.getEnabled());
    }

    @Test
    void rejectsABadRegexNamingTheField() {
        assertEquals(List.of("filter.entityPattern"), fields(body("a", new SubscriptionBody.Filter(null, null,
                "card-(", null), hook("http://h/"))));
    }

    @Test
    void rejectsNonHttpOrRelativeUrls() {
        assertEquals(List.of("delivery.webhookUrl"), fields(body("a", null, hook("ftp://h/x"))));
        assertEquals(List.of("delivery.webhookUrl"), fields(body("a", null, hook("/relative"))));
        assertEquals(List.of("delivery.webhookUrl"), fields(body("a", null, hook("http://bad host/"))));
    }

    @Test
    void needsADeliveryTarget() {
        assertEquals(List.of("delivery"), fields(body("a", null, null)));
        assertEquals(List.of("delivery"), fields(body("a", null, new SubscriptionBody.Delivery(" ", "", Map.of()))));
    }

    @Test
    void rejectsInvalidAndReservedTopics() {
        assertEquals(List.of("delivery.kafkaTopic"), fields(body("a", null,
                new SubscriptionBody.Delivery("bad topic!", null, null))));
        assertEquals(List.of("delivery.kafkaTopic"), fields(body("a", null,
                new SubscriptionBody.Delivery("normalcy.alerts", null, null))));
        assertEquals(List.of("delivery.kafkaTopic"), fields(body("a", null,
                new SubscriptionBody.Delivery("__consumer_offsets", null, null))));
        assertEquals(List.of("delivery.kafkaTopic"), fields(body("a", null,
                new SubscriptionBody.Delivery("x".repeat(250), null, null))));
    }

    @Test
    void rejectsBadHeadersSeverityAndId() {
        assertEquals(List.of("delivery.webhookHeaders.Host"), fields(body("a", null,
                new SubscriptionBody.Delivery(null, "http://h/", Map.of("Host", "evil")))));
        assertEquals(List.of("delivery.webhookHeaders.X-A"), fields(body("a", null,
                new SubscriptionBody.Delivery(null, "http://h/", Map.of("X-A", "v\r\nInjected: 1")))));
        assertEquals(List.of("filter.minSeverity"), fields(body("a", new SubscriptionBody.Filter(null, "loud", null,
                null), hook("http://h/"))));
        assertEquals(List.of("subscriberId"), fields(body(null, null, hook("http://h/"))));
        assertEquals(List.of("subscriberId"), fields(body("a/b", null, hook("http://h/"))));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<String> f = fields(body("", new SubscriptionBody.Filter(List.of(""), "x", "(", null),
                hook("mailto:a@b")));
        assertEquals(List.of("subscriberId", "filter.models[0]", "filter.minSeverity", "filter.entityPattern",
                "delivery.webhookUrl"), f);
        InvalidSubscriptionException e = assertThrows(InvalidSubscriptionException.class,
                () -> v.toSubscription(null, C, U));
        assertEquals("body", e.errors().get(0).field());
    }
}
