package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.AvroSerde;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A {@link TopologyTestDriver} around {@link DetectorTopology} with typed input and output topics. */
final class TopologyHarness implements AutoCloseable {
    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    final DetectorTopics topics = DetectorTopics.defaults();
    final DetectorMetrics metrics = DetectorMetrics.inMemory();
    final ModelRegistry registry = new ModelRegistry(metrics);
    final SubscriptionRegistry subscriptionRegistry = new SubscriptionRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> features;
    final TestInputTopic<String, byte[]> models;
    final TestInputTopic<String, byte[]> subscriptions;
    final TestOutputTopic<String, ScoredEvent> scores;
    final TestOutputTopic<String, Alert> alerts;
    final TestOutputTopic<byte[], DeadLetter> dlq;
    final TestOutputTopic<byte[], byte[]> parking;
    final TestOutputTopic<String, RetrainRequest> retrain;
    /** Every record piped to the models topic, in offset order (to build its compacted view). */
    final List<TestRecord<String, byte[]>> modelLog = new ArrayList<>();
    private final DetectorSettings settings;

    private final AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
    private final AvroSerde<ModelVersion> mvSerde = AvroSerde.of(ModelVersion.class);
    private final AvroSerde<AlertSubscription> subSerde = AvroSerde.of(AlertSubscription.class);

    TopologyHarness(DetectorSettings settings) {
        this(settings, OutputSettings.defaults());
    }

    /** @param outputs producer limit and the subscription topics that exist */
    TopologyHarness(DetectorSettings settings, OutputSettings outputs) {
        this(settings, outputs, null);
    }

    /** @param schemaRegistry registry for Confluent-framed inputs, or null */
    TopologyHarness(DetectorSettings settings, OutputSettings outputs,
                    io.normalcy.schemas.registry.SchemaRegistryClient schemaRegistry) {
        this.settings = settings;
        StreamsBuilder builder = new StreamsBuilder();
        DetectorTopology.build(builder, topics, registry, subscriptionRegistry, settings, metrics, outputs,
                schemaRegistry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "detector-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try { // a fresh state directory: the persistent history store must not meet another test JVM's
            props.put(StreamsConfig.STATE_DIR_CONFIG,
                    java.nio.file.Files.createTempDirectory("topology-test").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(builder.build(), props, START);
        StringSerializer s = new StringSerializer();
        ByteArraySerializer b = new ByteArraySerializer();
        features = driver.createInputTopic(topics.inputs().get(0), s, b, START, java.time.Duration.ofMillis(10));
        models = driver.createInputTopic(topics.models(), s, b);
        subscriptions = driver.createInputTopic(topics.subscriptions(), s, b);
        StringDeserializer sd = new StringDeserializer();
        ByteArrayDeserializer bd = new ByteArrayDeserializer();
        scores = driver.createOutputTopic(topics.scores(), sd, AvroSerde.of(ScoredEvent.class));
        alerts = driver.createOutputTopic(topics.alerts(), sd, AvroSerde.of(Alert.class));
        dlq = driver.createOutputTopic(topics.dlq(), bd, AvroSerde.of(DeadLetter.class));
        parking = driver.createOutputTopic(topics.parking(), bd, bd);
        retrain = driver.createOutputTopic(topics.retrain(), sd, AvroSerde.of(RetrainRequest.class));
    }

    TestOutputTopic<String, Alert> alertTopic(String name) {
        return driver.createOutputTopic(name, new StringDeserializer(), AvroSerde.of(Alert.class));
    }

    /** The key the trainer publishes {@code mv} under. */
    static String modelKey(ModelVersion mv) {
        return ModelKeys.expectedKey(mv);
    }

    void publish(ModelVersion mv) {
        pipeModel(modelKey(mv), mvSerde.serialize(topics.models(), mv), new RecordHeaders());
    }

    /** As the trainer publishes with {@code normalcy.trainer.signing-key-id}: the key id in a header. */
    void publish(ModelVersion mv, String keyId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ModelKeys.KEY_ID_HEADER, keyId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pipeModel(modelKey(mv), mvSerde.serialize(topics.models(), mv), headers);
    }

    /** A control record (pin, unpin, retire) under the key the trainer uses. */
    void control(ModelControl c) {
        pipeModel(ModelKeys.expectedKey(c), controlBytes(c), new RecordHeaders());
    }

    byte[] controlBytes(ModelControl c) {
        return AvroSerde.of(ModelControl.class).serialize(topics.models(), c);
    }

    byte[] modelBytes(ModelVersion mv) {
        return mvSerde.serialize(topics.models(), mv);
    }

    /** Any record (junk, tombstone, replay) to the models topic, remembered in {@link #modelLog}. */
    void pipeModel(String key, byte[] value, Headers headers) {
        TestRecord<String, byte[]> r = new TestRecord<>(key, value, headers, (Instant) null);
        modelLog.add(r);
        models.pipeInput(r);
    }

    /**
     * A new detector (empty registry and stores, same settings) fed the models topic as log compaction leaves it:
     * the last record of each key, in offset order, keys whose last record is a tombstone removed.
     */
    TopologyHarness restartedAfterCompaction() {
        return restartedAfterCompaction(settings);
    }

    /** As {@link #restartedAfterCompaction()}, the new detector configured with {@code next}. */
    TopologyHarness restartedAfterCompaction(DetectorSettings next) {
        Map<String, TestRecord<String, byte[]>> last = new LinkedHashMap<>();
        for (TestRecord<String, byte[]> r : modelLog) {
            last.remove(r.key());
            last.put(r.key(), r);
        }
        TopologyHarness restarted = new TopologyHarness(next);
        last.values().stream().filter(r -> r.value() != null)
                .forEach(r -> restarted.pipeModel(r.key(), r.value(), r.headers()));
        return restarted;
    }

    void subscribe(AlertSubscription s) {
        subscriptions.pipeInput(s.getSubscriberId(), subSerde.serialize(topics.subscriptions(), s));
    }

    void send(FeatureVector fv) {
        features.pipeInput(fv.getEntity(), fvSerde.serialize(topics.inputs().get(0), fv));
    }

    /** As {@link #send(FeatureVector)}, with Kafka headers on the input record. */
    void send(FeatureVector fv, Headers headers) {
        features.pipeInput(new TestRecord<>(fv.getEntity(), fvSerde.serialize(topics.inputs().get(0), fv), headers,
                (Instant) null));
    }

    static FeatureVector vector(String model, String entity, Instant eventTime, String eventId,
                                Map<String, Double> values) {
        return FeatureVector.newBuilder().setModel(model).setEntity(entity).setEventTime(eventTime)
                .setFeatures(values).setContext(Map.of()).setContextNumeric(Map.of()).setAttributes(Map.of("k", "v"))
                .setEventId(eventId).build();
    }

    static <K, V> List<V> values(TestOutputTopic<K, V> topic) {
        return topic.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
