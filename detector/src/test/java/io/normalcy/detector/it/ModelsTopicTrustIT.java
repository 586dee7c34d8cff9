package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.detector.api.TestCredentials;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The models topic on a real broker (issue 10): signed v1 and v2, then junk keyed like the model, an unsigned
 * tombstone and replays of the signed v1. The running detector keeps v2; a new detector instance on the same topic
 * (a restart: its global store is rebuilt from the topic) serves v2 too. A signed PIN rolls it back to v1, visible
 * in {@code GET /models}; a signed UNPIN returns to v2.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ModelsTopicTrustIT {
    private static final String MODEL = "trust-model";
    private static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String PREFIX = "it3";

    private final Random rng = new Random(3);
    private int events;

    @Test
    void junkTombstonesAndReplaysNeitherRemoveNorDowngradeAcrossARestart(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics(PREFIX);
        ModelVersion v1 = TestModels.signed(TestModels.standardNormal(MODEL, 1, 1.0), SECRET);
        ModelVersion v2 = TestModels.signed(TestModels.standardNormal(MODEL, 2, 1.0), SECRET);
        byte[] v1Bytes = AvroSerde.of(ModelVersion.class).serialize(topics.models(), v1);
        try (KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> scores = ItSupport.committedReader(bootstrap, topics.scores())) {
            try (EmbeddedServer first = start(bootstrap)) {
                ModelRegistry registry = first.getApplicationContext().getBean(ModelRegistry.class);
                ItSupport.publishModel(producer, topics.models(), v1);
                ItSupport.publishModel(producer, topics.models(), v2);
                waitFor(() -> version(registry) == 2, "v2 served");
                send(producer, topics.models(), MODEL, "not a model".getBytes(StandardCharsets.UTF_8));
                send(producer, topics.models(), MODEL, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9});
                send(producer, topics.models(), MODEL, null);
                send(producer, topics.models(), MODEL, v1Bytes);
                send(producer, topics.models(), ModelKeys.expectedKey(v1), v1Bytes);
                DetectorMetrics metrics = first.getApplicationContext().getBean(DetectorMetrics.class);
                waitFor(() -> metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "unsigned-deletion")
                        == 1.0, "tombstone ignored and counted");
                assertEquals(2.0, metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "undecodable"));
                assertEquals(2, version(registry));
                assertEquals(2L, scoredVersion(producer, scores, topics));
            }
            try (EmbeddedServer second = start(bootstrap)) {
                ModelRegistry registry = second.getApplicationContext().getBean(ModelRegistry.class);
                waitFor(() -> version(registry) > 0, "a model after the restart");
                assertEquals(2, version(registry), "the restarted detector serves v2");
                assertEquals(2L, scoredVersion(producer, scores, topics));

                send(producer, topics.models(), ModelKeys.pinKey(MODEL, 1),
                        control(topics, ModelControls.pin(MODEL, 1, 1, Instant.now(), "rollback", null)));
                waitFor(() -> version(registry) == 1, "pinned to v1");
                assertEquals(1L, scoredVersion(producer, scores, topics));
                String models = get(second, "/models");
                assertTrue(models.contains("\"version\":1") && models.contains("\"pinned\":true")
                        && models.contains("\"newestVersion\":2"), models);

                send(producer, topics.models(), ModelKeys.pinKey(MODEL, 2),
                        control(topics, ModelControls.unpin(MODEL, 2, Instant.now(), "done", null)));
                waitFor(() -> version(registry) == 2, "unpinned: newest again");
                assertTrue(get(second, "/models").contains("\"pinned\":false"));
            }
        }
    }

    private static EmbeddedServer start(String bootstrap) throws Exception {
        Map<String, Object> props = ItSupport.appProperties(bootstrap, PREFIX, "detector-trust-it");
        props.put("normalcy.detector.signing.hmac-secret", SECRET);
        return ApplicationContext.run(EmbeddedServer.class, props);
    }

    private static byte[] control(DetectorTopics topics, ModelControl c) throws Exception {
        ModelControl signed = ModelControls.sign(c, ModelSigner.hmacKey(Base64.getDecoder().decode(SECRET)));
        return AvroSerde.of(ModelControl.class).serialize(topics.models(), signed);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static long version(ModelRegistry registry) {
        var m = registry.get(MODEL);
        return m == null ? 0 : m.version();
    }

    /** Sends one event and returns the model version of its score. */
    private long scoredVersion(KafkaProducer<String, byte[]> producer, KafkaConsumer<byte[], byte[]> scores,
                               DetectorTopics topics) throws Exception {
        FeatureVector fv = ItSupport.event(MODEL, events++, false, rng);
        String input = topics.inputs().get(0);
        producer.send(new ProducerRecord<>(input, fv.getEntity(),
                AvroSerde.of(FeatureVector.class).serialize(input, fv))).get();
        AvroSerde<ScoredEvent> serde = AvroSerde.of(ScoredEvent.class);
        List<ConsumerRecord<byte[], byte[]>> seen = ItSupport.readUntil(scores, new ArrayList<>(),
                rs -> rs.stream().anyMatch(r -> serde.deserialize(topics.scores(), r.value()).getEventId()
                        .equals(fv.getEventId())), Duration.ofSeconds(60));
        return seen.stream().map(r -> serde.deserialize(topics.scores(), r.value()))
                .filter(s -> s.getEventId().equals(fv.getEventId())).findFirst()
                .orElseThrow(() -> new AssertionError("event " + fv.getEventId() + " was not scored"))
                .getModelVersion();
    }

    private static String get(EmbeddedServer server, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.getPort() + path)).header(TestCredentials.HEADER, TestCredentials.READ_KEY)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        DetectorIT.waitFor(condition, Duration.ofSeconds(60), what);
    }
}
