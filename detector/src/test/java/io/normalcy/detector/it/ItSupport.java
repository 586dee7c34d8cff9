package io.normalcy.detector.it;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.AvroSerde;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Shared plumbing of the detector ITs: per-test topic names (so ITs can share one broker), the application
 * properties, a feature generator with injected anomalies and read_committed readers.
 */
final class ItSupport {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private ItSupport() {
    }

    static DetectorTopics topics(String prefix) {
        return new DetectorTopics(List.of(prefix + ".features"), prefix + ".scores", prefix + ".alerts",
                prefix + ".models", prefix + ".retrain", prefix + ".subscriptions", prefix + ".dlq",
                prefix + ".parking");
    }

    /** Application properties for a detector on {@code bootstrap} with the topics of {@code prefix}. */
    static Map<String, Object> appProperties(String bootstrap, String prefix, String appId) throws Exception {
        DetectorTopics t = topics(prefix);
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("micronaut.server.port", "-1");
        p.put("normalcy.detector.application-id", appId);
        p.put("normalcy.detector.topics.inputs", t.inputs().get(0));
        p.put("normalcy.detector.topics.scores", t.scores());
        p.put("normalcy.detector.topics.alerts", t.alerts());
        p.put("normalcy.detector.topics.models", t.models());
        p.put("normalcy.detector.topics.retrain", t.retrain());
        p.put("normalcy.detector.topics.subscriptions", t.subscriptions());
        p.put("normalcy.detector.topics.dlq", t.dlq());
        p.put("normalcy.detector.topics.parking", t.parking());
        p.put("normalcy.detector.topic-partitions", "2");
        p.put("normalcy.detector.cool-down", "0s");
        p.put("normalcy.detector.shutdown-timeout", "20s");
        p.put("kafka.streams.detector.state.dir", Files.createTempDirectory("detector-it").toString());
        p.put("kafka.streams.detector.commit.interval.ms", "200");
        p.put("kafka.streams.detector.session.timeout.ms", "6000");
        p.put("kafka.streams.detector.heartbeat.interval.ms", "1500");
        return p;
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Publishes {@code mv} under the key the trainer uses ({@code <model>/v<version>}). */
    static void publishModel(KafkaProducer<String, byte[]> producer, String topic, ModelVersion mv) throws Exception {
        producer.send(new ProducerRecord<>(topic, ModelKeys.expectedKey(mv), AvroSerde.of(ModelVersion.class)
                .serialize(topic, mv))).get();
    }

    /**
     * Event i: entity {@code e<i mod 400>}, eventId {@code ev-i}; normal records are N(0, I₃) (the test model's
     * density), anomalies (when {@code anomaly.test(i)}) have |a| in [7, 9] (χ² ≥ 49: far beyond the 0.1% quantile
     * 16.27 of chi-square(3)).
     */
    static FeatureVector event(String model, int i, boolean anomaly, Random rng) {
        double a = anomaly ? (rng.nextBoolean() ? 1 : -1) * (7 + 2 * rng.nextDouble()) : rng.nextGaussian();
        return FeatureVector.newBuilder().setModel(model).setEntity("e" + (i % 400))
                .setEventTime(T0.plusMillis(i * 10L)).setFeatures(Map.of("a", a, "b", rng.nextGaussian(),
                        "c", rng.nextGaussian())).setContext(Map.of()).setContextNumeric(Map.of())
                .setAttributes(Map.of()).setEventId("ev-" + i).build();
    }

    static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code done} holds for everything read so far, or the timeout passes. */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(KafkaConsumer<byte[], byte[]> consumer,
                                                          List<ConsumerRecord<byte[], byte[]>> sink,
                                                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(sink) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(sink::add);
        }
        return sink;
    }

    static List<ConsumerRecord<byte[], byte[]>> drain(KafkaConsumer<byte[], byte[]> consumer, Duration quiet) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < quiet.toNanos()) {
            var batch = consumer.poll(Duration.ofMillis(200));
            if (!batch.isEmpty()) {
                batch.forEach(out::add);
                idleSince = System.nanoTime();
            }
        }
        return out;
    }

    static Path tempDir() throws Exception {
        return Files.createTempDirectory("detector-it");
    }
}
