package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.serde.AvroSerde;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

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

    private final AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
    private final AvroSerde<ModelVersion> mvSerde = AvroSerde.of(ModelVersion.class);
    private final AvroSerde<AlertSubscription> subSerde = AvroSerde.of(AlertSubscription.class);

    TopologyHarness(DetectorSettings settings) {
        this(settings, OutputSettings.defaults());
    }

    /** @param outputs producer limit and the subscription topics that exist */
    TopologyHarness(DetectorSettings settings, OutputSettings outputs) {
        StreamsBuilder builder = new StreamsBuilder();
        DetectorTopology.build(builder, topics, registry, subscriptionRegistry, settings, metrics, outputs);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "detector-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
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

    void publish(ModelVersion mv) {
        models.pipeInput(mv.getModel(), mvSerde.serialize(topics.models(), mv));
    }

    void subscribe(AlertSubscription s) {
        subscriptions.pipeInput(s.getSubscriberId(), subSerde.serialize(topics.subscriptions(), s));
    }

    void send(FeatureVector fv) {
        features.pipeInput(fv.getEntity(), fvSerde.serialize(topics.inputs().get(0), fv));
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
