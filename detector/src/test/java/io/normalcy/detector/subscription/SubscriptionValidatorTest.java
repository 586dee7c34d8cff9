package io.normalcy.detector.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.delivery.Cidr;
import io.normalcy.detector.delivery.WebhookGuard;
import io.normalcy.security.ApiError;

import java.net.InetAddress;
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

    // --- issue #10: bounded regexes, internal topics, SSRF, signing secrets -------------------------------------

    /** The validator as the service builds it: Normalcy's and Kafka's internal topics, the Streams app's prefix. */
    private static SubscriptionValidator service(WebhookGuard guard) {
        return new SubscriptionValidator(SubscriptionTopics.reserved(DetectorTopics.defaults()),
                List.of("normalcy-detector-"), guard);
    }

    private static List<String> fields(SubscriptionValidator validator, SubscriptionBody b) {
        InvalidSubscriptionException e = assertThrows(InvalidSubscriptionException.class,
                () -> validator.toSubscription(b, C, U));
        return e.errors().stream().map(ApiError.FieldError::field).toList();
    }

    private static String message(SubscriptionValidator validator, SubscriptionBody b) {
        InvalidSubscriptionException e = assertThrows(InvalidSubscriptionException.class,
                () -> validator.toSubscription(b, C, U));
        return e.getMessage();
    }

    @Test
    void entityPatternMustBeRe2() {
        for (String p : List.of("(a+)+\\1b", "(?=card)card", "(?<!x)card", "card-\\d++")) {
            String m = message(v, body("a", new SubscriptionBody.Filter(null, null, p, null), hook("http://h/")));
            assertTrue(m.contains("filter.entityPattern") && m.contains("RE2"), m);
        }
        assertEquals(List.of("filter.entityPattern"), fields(body("a", new SubscriptionBody.Filter(null, null,
                "a".repeat(SubscriptionValidator.MAX_PATTERN_LENGTH + 1), null), hook("http://h/"))));
        AlertSubscription ok = v.toSubscription(body("a", new SubscriptionBody.Filter(null, null, "(a+)+b|card-\\d+",
                null), hook("http://h/")), C, U);
        assertEquals("(a+)+b|card-\\d+", ok.getFilter().getEntityPattern(), "nested quantifiers are fine in RE2");
    }

    @Test
    void refusesNormalcyKafkaAndStreamsInternalTopics() {
        SubscriptionValidator sv = service(WebhookGuard.offline());
        for (String t : List.of("normalcy.training-status", "normalcy.retrain", "normalcy.models", "normalcy.features",
                "normalcy.subscriptions", "normalcy.parking", "normalcy.scores", "__consumer_offsets",
                "__transaction_state", "_schemas", "__cluster_metadata",
                "normalcy-detector-normalcy-cooldown-store-changelog",
                "normalcy-detector-KSTREAM-REPARTITION-0000000003-repartition")) {
            String m = message(sv, body("a", null, new SubscriptionBody.Delivery(t, null, null)));
            assertTrue(m.contains("delivery.kafkaTopic") && m.contains("reserved"), t + ": " + m);
        }
        // a prefixed installation reserves its own names, the training-status topic included
        SubscriptionValidator prefixed = new SubscriptionValidator(SubscriptionTopics.reserved(new DetectorTopics(
                List.of("it.features"), "it.scores", "it.alerts", "it.models", "it.retrain", "it.subscriptions",
                "it.dlq", "it.parking")), List.of(), WebhookGuard.offline());
        assertEquals(List.of("delivery.kafkaTopic"), fields(prefixed, body("a", null,
                new SubscriptionBody.Delivery("it.training-status", null, null))));
        assertEquals("normalcy.alerts.ops", sv.toSubscription(body("a", null,
                new SubscriptionBody.Delivery("normalcy.alerts.ops", null, null)), C, U).getDelivery().getKafkaTopic());
    }

    /** Every odd IPv4 encoding of 127.0.0.1 is refused by name, before any DNS look-up. */
    @Test
    void refusesOddNumericHostEncodings() {
        SubscriptionValidator sv = service(WebhookGuard.strict());
        for (String host : List.of("2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "127.0.1",
                "017700000001", "0x7F.0.0.1", "127.0.0.01", "127.0.0.1.")) {
            String m = message(sv, body("a", null, hook("http://" + host + ":8080/retrain")));
            assertTrue(m.contains("delivery.webhookUrl") && m.contains("ambiguous numeric IPv4 form"), host + ": " + m);
        }
        String m = message(sv, body("a", null, hook("http://0177.0.0.1/")));
        assertTrue(m.contains("127.0.0.1"), "says what it would reach: " + m);
    }

    @Test
    void refusesInternalAddressesUnlessAllowListed() throws Exception {
        WebhookGuard.Resolver dns = host -> switch (host) {
            case "intranet.test" -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
            case "mixed.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"),
                    InetAddress.getByName("192.168.1.1")};
            case "public.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
            default -> InetAddress.getAllByName(host);
        };
        SubscriptionValidator sv = service(new WebhookGuard(Set.of(), List.of(), dns));
        for (String url : List.of("http://127.0.0.1:8081/models/x/retrain", "http://localhost/", "http://0.0.0.0/",
                "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://172.16.3.4/",
                "http://192.168.0.1/", "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/",
                "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
                "http://[::127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[64:ff9b::a9fe:a9fe]/",
                "http://[2002:7f00:1::]/", "http://intranet.test/hook", "http://mixed.test/hook")) {
            String m = message(sv, body("a", null, hook(url)));
            assertTrue(m.contains("delivery.webhookUrl") && m.contains("allowed-cidrs"), url + ": " + m);
        }
        assertEquals("http://public.test/hook", sv.toSubscription(body("a", null, hook("http://public.test/hook")),
                C, U).getDelivery().getWebhookUrl());
        assertEquals("https://not-yet-in-dns.invalid/hook", sv.toSubscription(body("a", null,
                hook("https://not-yet-in-dns.invalid/hook")), C, U).getDelivery().getWebhookUrl(),
                "an unresolvable name is accepted: every delivery checks it again");
        SubscriptionValidator allowing = service(new WebhookGuard(Set.of("intranet.test"),
                List.of(Cidr.parse("127.0.0.1/32")), dns));
        allowing.toSubscription(body("a", null, hook("http://127.0.0.1:9999/hook")), C, U);
        allowing.toSubscription(body("a", null, hook("http://intranet.test/hook")), C, U);
        assertEquals(List.of("delivery.webhookUrl"), fields(allowing, body("a", null, hook("http://127.0.0.2/"))));
        assertEquals(List.of("delivery.webhookUrl"), fields(allowing, body("a", null, hook("http://2130706433/"))),
                "odd encodings stay refused even when the address is allowed");
    }

    @Test
    void refusesNonHttpSchemesAndCredentialsInTheUrl() {
        SubscriptionValidator sv = service(WebhookGuard.strict());
        for (String url : List.of("file:///etc/passwd", "gopher://h/", "ftp://h/", "jar:http://h/!/",
                "http://user:pw@hooks.example/", "//hooks.example/")) {
            assertEquals(List.of("delivery.webhookUrl"), fields(sv, body("a", null, hook(url))), url);
        }
    }

    @Test
    void detectorHeadersAndBadSecretsAreRefused() {
        assertEquals(List.of("delivery.webhookHeaders.X-Normalcy-Signature"), fields(body("a", null,
                new SubscriptionBody.Delivery(null, "http://h/", Map.of("X-Normalcy-Signature", "v1=forged")))));
        assertEquals(List.of("signingSecret"), fields(new SubscriptionBody("a", null, hook("http://h/"), null,
                "short")));
        assertEquals(List.of("signingSecret"), fields(new SubscriptionBody("a", null, hook("http://h/"), null,
                "has spaces in it, 16+ chars")));
        AlertSubscription s = v.toSubscription(new SubscriptionBody("a", null, hook("http://h/"), null,
                "my-own-secret-0123456789"), C, U);
        assertEquals("my-own-secret-0123456789", s.getSigningSecret());
        assertNull(v.toSubscription(body("a", null, hook("http://h/")), C, U).getSigningSecret(),
                "none supplied: the service keeps the stored one or issues one");
    }
}
