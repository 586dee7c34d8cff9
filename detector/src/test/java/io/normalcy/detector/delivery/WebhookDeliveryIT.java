package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.Severity;
import io.normalcy.detector.api.ApiIt;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhook delivery end to end: subscriptions created through the REST API of the running application, alerts
 * produced straight to the alerts topic, a local HTTP server as the receivers. Each webhook must receive exactly
 * its matching alerts; a receiver answering 500 gets exactly max-attempts calls and then the alert is
 * dead-lettered (DELIVERY_FAILED, naming subscriber, URL and status); an undecodable record is dead-lettered
 * (DESERIALIZATION) without stopping delivery.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WebhookDeliveryIT {
    private static final int MAX_ATTEMPTS = 3;
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private HttpServer http;
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final AtomicInteger failingCalls = new AtomicInteger();
    private final AtomicInteger stuckCalls = new AtomicInteger();
    private final CountDownLatch releaseStuck = new CountDownLatch(1);

    record Received(String alertId, String headerAlertId, String subscriber, String token, Map<String, Object> json,
                    String timestamp, String signature, byte[] body, String traceparent) {
    }

    @BeforeEach
    void startReceivers() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (String path : List.of("/a", "/b", "/paused")) {
            received.put(path, new CopyOnWriteArrayList<>());
            http.createContext(path, ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                Map<String, Object> json = ApiIt.JSON.readValue(body, Argument.mapOf(String.class, Object.class));
                received.get(path).add(new Received((String) json.get("alertId"),
                        ex.getRequestHeaders().getFirst("X-Normalcy-Alert-Id"),
                        ex.getRequestHeaders().getFirst("X-Normalcy-Subscriber"),
                        ex.getRequestHeaders().getFirst("X-Token"), json,
                        ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                        ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER), body,
                        ex.getRequestHeaders().getFirst("traceparent")));
                ex.sendResponseHeaders(ex.getRequestMethod().equals("POST")
                        && "application/json".equals(ex.getRequestHeaders().getFirst("Content-Type")) ? 204 : 415, -1);
                ex.close();
            });
        }
        http.createContext("/fail", ex -> {
            ex.getRequestBody().readAllBytes();
            failingCalls.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        http.createContext("/stuck", ex -> {
            ex.getRequestBody().readAllBytes();
            stuckCalls.incrementAndGet();
            try {
                releaseStuck.await(120, TimeUnit.SECONDS); // a receiver that does not answer until the test says so
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        http.setExecutor(Executors.newCachedThreadPool()); // one hanging receiver must not block the test server
        http.start();
    }

    @AfterEach
    void stopReceivers() {
        releaseStuck.countDown();
        http.stop(0);
    }

    private String hook(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    @Test
    void deliversMatchingAlertsOnlyAndDeadLettersFailures(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = "hooks";
        TopicNames topics = ApiIt.topics(prefix);
        ApiIt.createAlertTopics(bootstrap, prefix);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(bootstrap, prefix));
             KafkaProducer<String, byte[]> producer = ApiIt.producer(bootstrap)) {
            URL base = server.getURL();
            Map<String, Object> subA = ApiIt.subscribe(base, """
                    {"subscriberId": "sub-a", "filter": {"models": ["A"], "minSeverity": "CRITICAL"},
                     "delivery": {"webhookUrl": "%s", "webhookHeaders": {"X-Token": "secret-a"}}}"""
                    .formatted(hook("/a")));
            ApiIt.subscribe(base, """
                    {"subscriberId": "sub-b", "filter": {"models": ["B"]}, "delivery": {"webhookUrl": "%s"}}"""
                    .formatted(hook("/b")));
            ApiIt.subscribe(base, """
                    {"subscriberId": "sub-paused", "filter": {"models": ["A"]}, "delivery": {"webhookUrl": "%s"},
                     "enabled": false}""".formatted(hook("/paused")));
            ApiIt.subscribe(base, """
                    {"subscriberId": "sub-fail", "filter": {"models": ["C"]}, "delivery": {"webhookUrl": "%s"}}"""
                    .formatted(hook("/fail")));

            List<Alert> alerts = List.of(
                    TestAlerts.alert("a-crit", "A", "card-1", Severity.CRITICAL),
                    TestAlerts.alert("a-warn", "A", "card-2", Severity.WARNING),
                    TestAlerts.alert("b-warn", "B", "card-3", Severity.WARNING),
                    TestAlerts.alert("d-crit", "D", "card-4", Severity.CRITICAL),
                    TestAlerts.alert("c-crit", "C", "card-5", Severity.CRITICAL),
                    TestAlerts.alert("b-crit", "B", "card-6", Severity.CRITICAL));
            ApiIt.produceAlerts(producer, topics.alerts(), alerts.subList(0, 5));
            producer.send(new ProducerRecord<>(topics.alerts(), "k", new byte[] {1, 2, 3})).get();
            // last, same partition: once it arrives at /b every earlier record has been handed to the subscribers
            // (each subscriber is served independently: sub-fail's retries may still be running; see the DLQ below)
            // with the W3C trace context the detector carries from the scored input (issue 15)
            ProducerRecord<String, byte[]> traced = new ProducerRecord<>(topics.alerts(), "k",
                    NormalcySerdes.alert().serialize(topics.alerts(), alerts.get(5)));
            traced.headers().add("traceparent", TRACEPARENT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(traced).get();

            ApiIt.waitFor(() -> received.get("/b").stream().anyMatch(r -> r.alertId().equals("b-crit")),
                    Duration.ofSeconds(60), "the last alert at webhook /b");
            ApiIt.waitFor(() -> failingCalls.get() >= MAX_ATTEMPTS, Duration.ofSeconds(60),
                    "the failing webhook's retries");

            assertEquals(List.of("a-crit"), ids("/a"));
            assertEquals(List.of("b-warn", "b-crit"), ids("/b"));
            assertEquals(TRACEPARENT, received.get("/b").get(1).traceparent(), "the alert's trace context is sent");
            assertNull(received.get("/b").get(0).traceparent(), "none without one on the alert record");
            assertEquals(List.of(), ids("/paused"), "disabled subscription receives nothing");
            assertEquals(MAX_ATTEMPTS, failingCalls.get(), "bounded retries of the failing webhook");

            Received a = received.get("/a").get(0);
            assertEquals("a-crit", a.headerAlertId());
            assertEquals("sub-a", a.subscriber());
            assertEquals("secret-a", a.token());
            String signingSecret = (String) subA.get("signingSecret");
            assertTrue(WebhookSignature.verify(signingSecret, a.timestamp(), a.signature(), a.body()),
                    "the receiver verifies the signature with the secret from the 201 response: " + a.signature());
            assertFalse(WebhookSignature.verify(signingSecret, a.timestamp(), a.signature(),
                    received.get("/b").get(0).body()), "another body does not verify");
            assertEquals("CRITICAL", a.json().get("severity"));
            assertEquals("A", a.json().get("model"));
            assertEquals("card-1", a.json().get("entity"));
            Map<?, ?> top = (Map<?, ?>) ((List<?>) a.json().get("topFeatures")).get(0);
            assertEquals(12.0, ((Number) top.get("expectedLow")).doubleValue(), "the expected range reaches the hook");
            assertEquals(310.0, ((Number) top.get("expectedHigh")).doubleValue());
            assertEquals("amount 9120 — expected 12–310 (99 %) given country=FR and the preceding features",
                    top.get("expected"));

            List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> c = ApiIt.reader(bootstrap, topics.dlq())) {
                ApiIt.readUntil(c, () -> dlq.size() >= 2, dlq, Duration.ofSeconds(30));
                ApiIt.readUntil(c, () -> false, dlq, Duration.ofSeconds(1)); // nothing more
            }
            assertEquals(2, dlq.size(), "dead letters");
            List<DeadLetter> dls = dlq.stream().map(r -> NormalcySerdes.deadLetter().deserialize(topics.dlq(),
                    r.value())).toList();
            DeadLetter failed = dls.stream().filter(d -> d.getReason() == DeadLetterReason.DELIVERY_FAILED)
                    .findFirst().orElseThrow(() -> new AssertionError("no DELIVERY_FAILED dead letter: " + dls));
            assertTrue(failed.getMessage().contains("sub-fail"), failed.getMessage());
            assertTrue(failed.getMessage().contains(hook("/fail")), failed.getMessage());
            assertTrue(failed.getMessage().contains("HTTP 500"), failed.getMessage());
            assertTrue(failed.getMessage().contains(MAX_ATTEMPTS + " attempts"), failed.getMessage());
            assertEquals("C", failed.getModel());
            assertEquals(topics.alerts(), failed.getSourceTopic());
            Alert original = NormalcySerdes.alert().deserialize(topics.alerts(), failed.getValue().array());
            assertEquals("c-crit", original.getAlertId(), "the dead letter keeps the original alert bytes");
            DeadLetter undecodable = dls.stream().filter(d -> d.getReason() == DeadLetterReason.DESERIALIZATION)
                    .findFirst().orElseThrow(() -> new AssertionError("no DESERIALIZATION dead letter: " + dls));
            assertNull(undecodable.getModel());

            DeliveryMetrics metrics = server.getApplicationContext().getBean(DeliveryMetrics.class);
            assertEquals(1.0, metrics.count(DeliveryMetrics.FAILURES, "sub-fail"));
            assertEquals(1.0, metrics.count(DeliveryMetrics.SUCCESSES, "sub-a"));
            assertEquals(2.0, metrics.count(DeliveryMetrics.SUCCESSES, "sub-b"));
            assertEquals(MAX_ATTEMPTS - 1.0, metrics.count(DeliveryMetrics.RETRIES, "sub-fail"));
        }
        // nothing was delivered twice
        Set<String> seen = Collections.synchronizedSet(new java.util.HashSet<>());
        received.values().forEach(l -> l.forEach(r -> assertTrue(seen.add(r.subscriber() + "/" + r.alertId()),
                "duplicate delivery " + r)));
    }

    /**
     * Issue #10: one receiver that does not answer must not delay the others. "a-stuck" sorts first and matches
     * every alert; its first call hangs until the test releases it (request timeout 60 s). Meanwhile "b-good"
     * must receive every alert — before the stuck one's first attempt has even ended — and the committed offset
     * must stay at the alert the stuck subscriber has not finished. Once released (500 from then on), the stuck
     * subscriber's alerts are retried, dead-lettered, and the offsets committed to the end.
     */
    @Test
    void aReceiverThatHangsDelaysNoOtherSubscriber(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = "hooks-iso";
        TopicNames topics = ApiIt.topics(prefix);
        ApiIt.createAlertTopics(bootstrap, prefix);
        Map<String, Object> props = ApiIt.appProperties(bootstrap, prefix);
        props.put("normalcy.detector.delivery.request-timeout", "60s");
        int n = 6;
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ApiIt.producer(bootstrap)) {
            URL base = server.getURL();
            ApiIt.subscribe(base, """
                    {"subscriberId": "a-stuck", "delivery": {"webhookUrl": "%s"}}""".formatted(hook("/stuck")));
            ApiIt.subscribe(base, """
                    {"subscriberId": "b-good", "delivery": {"webhookUrl": "%s"}}""".formatted(hook("/b")));
            List<Alert> alerts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                alerts.add(TestAlerts.alert("iso-" + i, "M", "card-" + i, Severity.CRITICAL));
            }
            ApiIt.produceAlerts(producer, topics.alerts(), alerts);

            ApiIt.waitFor(() -> received.get("/b").size() >= n, Duration.ofSeconds(30),
                    "every alert at the good receiver while the other one hangs");
            assertEquals(alerts.stream().map(Alert::getAlertId).toList(), ids("/b"), "in order");
            assertEquals(1, stuckCalls.get(), "the stuck receiver's first attempt is still in flight");
            Long committed = committedOffset(bootstrap, prefix + "-webhooks", topics.alerts());
            assertTrue(committed == null || committed == 0L,
                    "nothing committed past the alert the stuck subscriber has not finished: " + committed);

            releaseStuck.countDown();
            List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> c = ApiIt.reader(bootstrap, topics.dlq())) {
                ApiIt.readUntil(c, () -> dlq.size() >= n, dlq, Duration.ofSeconds(60));
            }
            assertEquals(n, dlq.size(), "each alert dead-lettered for the stuck subscriber");
            for (ConsumerRecord<String, byte[]> r : dlq) {
                DeadLetter d = NormalcySerdes.deadLetter().deserialize(topics.dlq(), r.value());
                assertEquals(DeadLetterReason.DELIVERY_FAILED, d.getReason());
                assertTrue(d.getMessage().contains("a-stuck"), d.getMessage());
            }
            assertEquals(MAX_ATTEMPTS * n, stuckCalls.get());
            ApiIt.waitFor(() -> {
                try {
                    Long c = committedOffset(bootstrap, prefix + "-webhooks", topics.alerts());
                    return c != null && c == n;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(30), "offsets committed once every subscriber is done");
            assertEquals(n, received.get("/b").size(), "nothing delivered twice");
        }
    }

    /** The group's committed offset of the partition holding key "k" (where produceAlerts writes), or null. */
    private static Long committedOffset(String bootstrap, String group, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic,
                Utils.toPositive(Utils.murmur2("k".getBytes(StandardCharsets.UTF_8))) % 2);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            return o == null ? null : o.offset();
        }
    }

    private List<String> ids(String path) {
        return received.get(path).stream().map(Received::alertId).toList();
    }
}
