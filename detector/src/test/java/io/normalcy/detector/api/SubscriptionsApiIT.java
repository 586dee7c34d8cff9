package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /subscriptions} through the running application on a real broker: create, read, replace, delete, the
 * records on the compacted topic (value, value, tombstone), the delivery topic being created, and 400s that name
 * the offending field.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionsApiIT {

    private static final String OPS = """
            {"subscriberId": "ops", "filter": {"models": ["payments"], "minSeverity": "critical",
             "entityPattern": "card-[0-9]+", "contextMatch": {"country": "FR"}},
             "delivery": {"kafkaTopic": "sapi.alerts.ops", "webhookUrl": "https://hooks.example/ops",
                          "webhookHeaders": {"Authorization": "Bearer t0k"}}}""";

    @Test
    void postGetReplaceDeleteRoundTrip(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        TopicNames topics = ApiIt.topics("sapi");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(bootstrap, "sapi"))) {
            URL base = server.getURL();

            ApiIt.Response created = ApiIt.send(base, "POST", "/subscriptions", OPS);
            assertEquals(201, created.status(), created.body());
            assertEquals(List.of("/subscriptions/ops"), created.headers().get("location"));
            Map<String, Object> s = created.json();
            assertEquals("ops", s.get("subscriberId"));
            assertEquals(true, s.get("enabled"));
            Map<?, ?> filter = (Map<?, ?>) s.get("filter");
            assertEquals(List.of("payments"), filter.get("models"));
            assertEquals("CRITICAL", filter.get("minSeverity"));
            assertEquals("card-[0-9]+", filter.get("entityPattern"));
            assertEquals(Map.of("country", "FR"), filter.get("contextMatch"));
            Map<?, ?> delivery = (Map<?, ?>) s.get("delivery");
            assertEquals("sapi.alerts.ops", delivery.get("kafkaTopic"));
            assertEquals("https://hooks.example/ops", delivery.get("webhookUrl"));
            assertTrue(ApiIt.topicExists(bootstrap, "sapi.alerts.ops"), "delivery topic created under the prefix");
            String secret = (String) s.remove("signingSecret");
            assertTrue(secret != null && secret.startsWith("whsec_"), "the new webhook's signing secret: " + secret);

            ApiIt.Response one = ApiIt.send(base, "GET", "/subscriptions/ops", null);
            assertEquals(200, one.status());
            assertEquals(s, one.json(), "GET returns what POST stored, without the secret");
            assertFalse(one.body().contains(secret), "the secret is shown once, never in GET");

            ApiIt.subscribe(base, """
                    {"subscriberId": "audit", "delivery": {"webhookUrl": "http://127.0.0.1:1/audit"},
                     "enabled": false}""");
            ApiIt.Response list = ApiIt.send(base, "GET", "/subscriptions", null);
            assertEquals(200, list.status());
            List<Map<String, Object>> all = list.jsonList();
            assertEquals(List.of("audit", "ops"), all.stream().map(m -> m.get("subscriberId")).toList());
            assertFalse(list.body().contains(secret), "nor in the list");
            assertEquals(false, all.get(0).get("enabled"));
            assertEquals("WARNING", ((Map<?, ?>) all.get(0).get("filter")).get("minSeverity"));

            // replace: 200, createdAt kept, updatedAt moves
            Thread.sleep(5);
            ApiIt.Response replaced = ApiIt.send(base, "POST", "/subscriptions", """
                    {"subscriberId": "ops", "filter": {"models": ["payments", "logins"]},
                     "delivery": {"webhookUrl": "https://hooks.example/ops2"}}""");
            assertEquals(200, replaced.status(), replaced.body());
            assertFalse(replaced.body().contains("signingSecret"), "a replaced subscription keeps its secret");
            Map<String, Object> r = replaced.json();
            assertEquals(s.get("createdAt"), r.get("createdAt"));
            assertNotEquals(s.get("updatedAt"), r.get("updatedAt"));
            assertEquals(List.of("payments", "logins"), ((Map<?, ?>) r.get("filter")).get("models"));
            assertNull(((Map<?, ?>) r.get("delivery")).get("kafkaTopic"));

            assertEquals(204, ApiIt.send(base, "DELETE", "/subscriptions/ops", null).status());
            ApiIt.Response gone = ApiIt.send(base, "GET", "/subscriptions/ops", null);
            assertEquals(404, gone.status());
            assertTrue(gone.body().contains("ops"), gone.body());
            assertEquals(404, ApiIt.send(base, "DELETE", "/subscriptions/ops", null).status());
            assertEquals(List.of("audit"), ApiIt.send(base, "GET", "/subscriptions", null).jsonList().stream()
                    .map(m -> m.get("subscriberId")).toList());
        }

        // the compacted topic holds: ops, audit, ops (replaced), ops tombstone — keyed by subscriberId
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = ApiIt.reader(bootstrap, topics.subscriptions())) {
            ApiIt.readUntil(c, () -> records.size() >= 4, records, Duration.ofSeconds(30));
        }
        List<ConsumerRecord<String, byte[]>> ops = records.stream().filter(rec -> rec.key().equals("ops")).toList();
        assertEquals(3, ops.size());
        AlertSubscription first = NormalcySerdes.alertSubscription().deserialize(topics.subscriptions(),
                ops.get(0).value());
        assertEquals(Severity.CRITICAL, first.getFilter().getMinSeverity());
        assertEquals(Map.of("Authorization", "Bearer t0k"), first.getDelivery().getWebhookHeaders());
        String stored = first.getSigningSecret();
        assertTrue(stored != null && stored.startsWith("whsec_"), "the secret is stored with the subscription");
        assertEquals(stored, NormalcySerdes.alertSubscription().deserialize(topics.subscriptions(), ops.get(1).value())
                .getSigningSecret(), "and kept when the subscription is replaced");
        assertNull(ops.get(2).value(), "DELETE writes a tombstone");
        assertEquals(1, records.stream().filter(rec -> rec.key().equals("audit")).count());
    }

    @Test
    void badInputIsRejectedNamingTheField(KafkaBroker broker) throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), "sapi-bad"))) {
            URL base = server.getURL();
            assertBadRequest(base, """
                    {"subscriberId": "x", "filter": {"entityPattern": "card-("},
                     "delivery": {"webhookUrl": "http://h/"}}""", "filter.entityPattern");
            assertBadRequest(base, """
                    {"subscriberId": "x", "delivery": {"webhookUrl": "ftp://h/"}}""", "delivery.webhookUrl");
            assertBadRequest(base, """
                    {"subscriberId": "x", "delivery": {}}""", "delivery");
            assertBadRequest(base, """
                    {"subscriberId": "x", "delivery": {"kafkaTopic": "sapi-bad.alerts"}}""", "delivery.kafkaTopic");
            assertBadRequest(base, """
                    {"delivery": {"webhookUrl": "http://h/"}}""", "subscriberId");
            ApiIt.Response malformed = ApiIt.send(base, "POST", "/subscriptions", "{\"subscriberId\": ");
            assertEquals(400, malformed.status(), malformed.body());
            assertEquals(List.of(), ApiIt.send(base, "GET", "/subscriptions", null).jsonList(),
                    "nothing was stored");
        }
    }

    private static void assertBadRequest(URL base, String body, String field) throws Exception {
        ApiIt.Response r = ApiIt.send(base, "POST", "/subscriptions", body);
        assertEquals(400, r.status(), r.body());
        Map<String, Object> err = r.json();
        List<?> errors = (List<?>) err.get("errors");
        assertEquals(field, ((Map<?, ?>) errors.get(0)).get("field"), r.body());
        assertTrue(((String) err.get("message")).contains(field), r.body());
    }

    /** Issue #10: a filter RE2 cannot run in linear time is refused at creation, naming the field. */
    @Test
    void backtrackingPatternIsRejected(KafkaBroker broker) throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), "sapi-re2"))) {
            URL base = server.getURL();
            assertBadRequest(base, """
                    {"subscriberId": "x", "filter": {"entityPattern": "(a+)+\\\\1b"},
                     "delivery": {"webhookUrl": "https://hooks.example/"}}""", "filter.entityPattern");
            assertEquals(List.of(), ApiIt.send(base, "GET", "/subscriptions", null).jsonList());
        }
    }

    /**
     * Issue #10: a subscription may not write into Normalcy's or Kafka's internal topics, nor create arbitrary
     * topics: a missing topic is created only under the prefix (default: alerts topic + ".").
     */
    @Test
    void topicsAreValidatedAtCreation(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> props = ApiIt.appProperties(bootstrap, "sapi-topics");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            URL base = server.getURL();
            for (String internal : List.of("sapi-topics.training-status", "normalcy.training-status",
                    "sapi-topics.retrain", "__consumer_offsets", "__transaction_state", "_schemas",
                    "sapi-topics-detector-normalcy-cooldown-store-changelog")) {
                assertBadRequest(base, """
                        {"subscriberId": "x", "delivery": {"kafkaTopic": "%s"}}""".formatted(internal),
                        "delivery.kafkaTopic");
            }
            ApiIt.Response missing = ApiIt.send(base, "POST", "/subscriptions", """
                    {"subscriberId": "x", "delivery": {"kafkaTopic": "sapi-topics-elsewhere"}}""");
            assertEquals(400, missing.status(), missing.body());
            assertTrue(missing.body().contains("does not exist") && missing.body().contains("sapi-topics.alerts."),
                    missing.body());
            assertFalse(ApiIt.topicExists(bootstrap, "sapi-topics-elsewhere"), "no topic was created");

            ApiIt.createTopic(bootstrap, "sapi-topics-existing");
            ApiIt.subscribe(base, """
                    {"subscriberId": "existing", "delivery": {"kafkaTopic": "sapi-topics-existing"}}""");
            ApiIt.subscribe(base, """
                    {"subscriberId": "prefixed", "delivery": {"kafkaTopic": "sapi-topics.alerts.team-a"}}""");
            assertTrue(ApiIt.topicExists(bootstrap, "sapi-topics.alerts.team-a"));
            assertEquals(List.of("existing", "prefixed"), ApiIt.send(base, "GET", "/subscriptions", null).jsonList()
                    .stream().map(m -> m.get("subscriberId")).toList());
        }
    }

    /** Issue #10: without an allow-list, webhooks to loopback (in any spelling) and internal ranges are refused. */
    @Test
    void internalWebhookTargetsAreRejectedWithoutAnAllowList(KafkaBroker broker) throws Exception {
        Map<String, Object> props = ApiIt.appProperties(broker.bootstrapServers(), "sapi-ssrf");
        props.remove("normalcy.detector.webhooks.allowed-cidrs");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            URL base = server.getURL();
            for (String url : List.of("http://127.0.0.1:8081/models/payments/retrain", "http://localhost:8081/",
                    "http://0.0.0.0:8081/", "http://2130706433:8081/", "http://0177.0.0.1:8081/",
                    "http://0x7f.1:8081/", "http://127.1:8081/", "http://[::1]:8081/", "http://[::ffff:127.0.0.1]/",
                    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1/",
                    "http://100.64.0.1/", "file:///etc/passwd")) {
                assertBadRequest(base, """
                        {"subscriberId": "x", "delivery": {"webhookUrl": "%s"}}""".formatted(url),
                        "delivery.webhookUrl");
            }
            assertEquals(List.of(), ApiIt.send(base, "GET", "/subscriptions", null).jsonList(), "nothing stored");
        }
    }
}
