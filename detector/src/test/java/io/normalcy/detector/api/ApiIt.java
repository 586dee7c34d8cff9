package io.normalcy.detector.api;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.normalcy.avro.Alert;
import io.normalcy.detector.runtime.StreamsLifecycle;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plumbing of the subscription/delivery ITs: per-test topic names (ITs share one broker), application properties
 * (Kafka Streams off — these ITs exercise the API and delivery side, which do not depend on it — so the test
 * creates the alerts and DLQ topics itself), a small HTTP/JSON client (with the test admin key unless told
 * otherwise) and Kafka readers/writers.
 */
public final class ApiIt {
    public static final ObjectMapper JSON = ObjectMapper.getDefault();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiIt() {
    }

    public static TopicNames topics(String prefix) {
        return TopicNames.withPrefix(prefix + ".");
    }

    public static Map<String, Object> appProperties(String bootstrap, String prefix) {
        TopicNames t = topics(prefix);
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("micronaut.server.port", "-1");
        p.put(StreamsLifecycle.AUTOSTART, "false");
        p.put("normalcy.detector.application-id", prefix + "-detector");
        p.put("normalcy.detector.topics.inputs", t.features());
        p.put("normalcy.detector.topics.scores", t.scores());
        p.put("normalcy.detector.topics.alerts", t.alerts());
        p.put("normalcy.detector.topics.models", t.models());
        p.put("normalcy.detector.topics.retrain", t.retrain());
        p.put("normalcy.detector.topics.subscriptions", t.subscriptions());
        p.put("normalcy.detector.topics.dlq", t.dlq());
        p.put("normalcy.detector.topics.parking", t.parking());
        p.put("normalcy.detector.topic-partitions", "2");
        p.put("normalcy.detector.delivery.webhook-group-id", prefix + "-webhooks");
        p.put("normalcy.detector.delivery.webhook-start-offset", "earliest");
        p.put("normalcy.detector.delivery.max-attempts", "3");
        p.put("normalcy.detector.delivery.initial-backoff", "100ms");
        p.put("normalcy.detector.delivery.max-backoff", "200ms");
        p.put("normalcy.detector.delivery.request-timeout", "3s");
        // the test receivers listen on loopback: allow it, as an operator allows an internal receiver
        p.put("normalcy.detector.webhooks.allowed-cidrs", "127.0.0.1/32");
        return p;
    }

    /** Creates the alerts and DLQ topics (normally provisioned by the Streams app). */
    public static void createAlertTopics(String bootstrap, String prefix) {
        Topics topics = new Topics(topics(prefix), 2, (short) 1);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            TopicAdmin.ensureTopics(admin, List.of(topics.alerts(), topics.dlq()));
        }
    }

    /** Creates one plain topic (2 partitions), as an operator would before pointing a subscription at it. */
    public static void createTopic(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 2, (short) 1))).all().get();
        }
    }

    public static boolean topicExists(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get().contains(topic);
        }
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes alerts with one key, so they share a partition and are handled in order. */
    public static void produceAlerts(KafkaProducer<String, byte[]> producer, String topic, List<Alert> alerts)
            throws Exception {
        for (Alert a : alerts) {
            producer.send(new ProducerRecord<>(topic, "k", NormalcySerdes.alert().serialize(topic, a))).get();
        }
    }

    public static KafkaConsumer<String, byte[]> reader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls into {@code sink} until {@code done} or the timeout. */
    public static List<ConsumerRecord<String, byte[]>> readUntil(KafkaConsumer<String, byte[]> c,
            BooleanSupplier done, List<ConsumerRecord<String, byte[]>> sink, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(sink::add);
        }
        return sink;
    }

    public static void waitFor(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    public record Response(int status, String body, Map<String, List<String>> headers) {
        public Map<String, Object> json() throws IOException {
            return JSON.readValue(body, Argument.mapOf(String.class, Object.class));
        }

        public List<Map<String, Object>> jsonList() throws IOException {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : JSON.readValue(body, Argument.listOf(Object.class))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(m);
            }
            return out;
        }
    }

    /** A request with the test admin key ({@link TestCredentials}). */
    public static Response send(URL base, String method, String path, String jsonBody) throws Exception {
        return send(base, method, path, jsonBody, TestCredentials.HEADER, TestCredentials.ADMIN_KEY);
    }

    /** @param headers name, value, name, value, ... (none: an anonymous request) */
    public static Response send(URL base, String method, String path, String jsonBody, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    /** POST /subscriptions, asserting success. */
    public static Map<String, Object> subscribe(URL base, String jsonBody) throws Exception {
        Response r = send(base, "POST", "/subscriptions", jsonBody);
        if (r.status() != 201 && r.status() != 200) {
            throw new AssertionError("POST /subscriptions → " + r.status() + ": " + r.body());
        }
        return r.json();
    }
}
