package io.normalcy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.detector.topology.DetectorTopology;
import io.normalcy.detector.topology.OutputSettings;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.FitConfigs;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 on the real (in-JVM KRaft) broker: the same records through the trainer's history path
 * ({@link TopicHistorySource}, which derives the features per entity) and through the detector's real Kafka Streams
 * topology ({@link DetectorTopology}, exactly-once, history in its changelogged store) give identical derived
 * vectors. The comparison is on the model's per-feature contributions, which are functions of the feature values
 * (feature i's term depends on features 1..i): every detector score must equal, to 1e-9, the score of the trainer's
 * derived row by the same model. Records arrive out of event-time order per entity, so the late-event rule is
 * exercised in both paths. Here because this module depends on both services.
 *
 * <p>The restart case stops the detector mid-stream (immediately, while records are still being produced), wipes
 * its local state and starts a new instance, which must rebuild the histories from the changelog: its derived
 * features must still equal the uninterrupted derivation, and every record must be scored exactly once.
 */
class DerivedFeaturesParityIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    private static final String MODEL = "levels";
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final int ENTITIES = 8;
    private static final String DERIVED = "x.lag_1,x.diff,x.ratio,x.mean_5,x.std_5,x.max_30s,since_previous,count_1m";

    private static DetectorTopics topics(String p) {
        return new DetectorTopics(List.of(p + ".features"), p + ".scores", p + ".alerts", p + ".models",
                p + ".retrain", p + ".subscriptions", p + ".dlq", p + ".parking");
    }

    private static void createTopics(String bootstrap, DetectorTopics t) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> all = new ArrayList<>();
            all.add(new NewTopic(t.inputs().get(0), 2, (short) 1));
            for (String s : List.of(t.scores(), t.alerts(), t.models(), t.retrain(), t.subscriptions(), t.dlq(),
                    t.parking())) {
                all.add(new NewTopic(s, 1, (short) 1));
            }
            admin.createTopics(all).all().get();
        }
    }

    /** Event i of entity e(i mod 8): a per-entity level plus noise; every 9th event is 20.5 s late. */
    private static List<FeatureVector> events(int n) {
        Random rng = new Random(12);
        List<FeatureVector> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int e = i % ENTITIES;
            long t = i * 1000L - (i % 9 == 4 ? 20_500L : 0); // late, at a time no other event has
            double x = 10 * (e + 1) + rng.nextGaussian() * (e + 1);
            out.add(FeatureVector.newBuilder().setModel(MODEL).setEntity("e" + e).setEventTime(T0.plusMillis(t))
                    .setFeatures(Map.of("x", x)).setContext(Map.of()).setContextNumeric(Map.of())
                    .setAttributes(Map.of()).setEventId("ev-" + i).build());
        }
        return out;
    }

    private static void produce(String bootstrap, String topic, List<FeatureVector> events) throws Exception {
        AvroSerde<FeatureVector> serde = AvroSerde.of(FeatureVector.class);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (FeatureVector v : events) {
                p.send(new ProducerRecord<>(topic, v.getEntity(), serde.serialize(topic, v)));
            }
            p.flush();
        }
    }

    /** The trainer's path: history read from the topic with derived features, fitted, the model carrying them. */
    private static NormalcyModel trainAndPublish(String bootstrap, DetectorTopics t, List<RawRecord> rowsOut)
            throws Exception {
        ModelDefinition def = Parameters.apply(ModelDefinition.defaults(MODEL), Map.of("features", "x", "derived",
                DERIVED, "epochs", "1", "blocks", "1", "hidden", "8", "flow-type", "MAF"), "");
        TopicHistorySource source = new TopicHistorySource(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                t.inputs().get(0), Duration.ofSeconds(60));
        History h = source.read(def, null, null, 1_000_000);
        rowsOut.addAll(h.rows());
        NormalcyModel model = new ModelFitter().fit(MODEL, 1, h.rows(), FitConfigs.from(def), null).model()
                .withDerived(def.derivedFeatures());
        ModelVersion mv = ModelStateMapper.toState(model);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(t.models(), ModelKeys.expectedKey(mv), AvroSerde.of(ModelVersion.class)
                    .serialize(t.models(), mv))).get();
        }
        return ModelStateMapper.fromState(mv);
    }

    private static KafkaStreams detector(String bootstrap, DetectorTopics t, String appId) throws Exception {
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        StreamsBuilder builder = new StreamsBuilder();
        DetectorTopology.build(builder, t, new ModelRegistry(metrics), new SubscriptionRegistry(),
                DetectorSettings.defaults().withCoolDown(Duration.ZERO).withOutput(new io.normalcy.detector.config.OutputOptions(
                        io.normalcy.detector.config.OutputOptions.Contributions.ALL,
                        io.normalcy.detector.config.OutputOptions.DEFAULT_CARRIED_HEADERS, 1024)), metrics, OutputSettings.defaults(), null);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("derived-it").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        return streams;
    }

    /** Committed scores, by event id, read until {@code n} distinct events are scored (or a deadline passes). */
    private static Map<String, List<ScoredEvent>> scores(String bootstrap, String topic, int n) {
        Map<String, List<ScoredEvent>> byId = new HashMap<>();
        AvroSerde<ScoredEvent> serde = AvroSerde.of(ScoredEvent.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (byId.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    ScoredEvent s = serde.deserialize(topic, r.value());
                    byId.computeIfAbsent(s.getEventId(), k -> new ArrayList<>()).add(s);
                });
            }
            c.poll(Duration.ofMillis(500)).forEach(r -> { // a duplicate committed late would show here
                ScoredEvent s = serde.deserialize(topic, r.value());
                byId.computeIfAbsent(s.getEventId(), k -> new ArrayList<>()).add(s);
            });
        }
        return byId;
    }

    /** Each detector score equals the trainer row's score by the same model, feature by feature. */
    private static void assertParity(List<FeatureVector> events, List<RawRecord> rows, NormalcyModel model,
                                     Map<String, List<ScoredEvent>> scores) {
        Map<Long, RawRecord> rowByTime = new HashMap<>();
        rows.forEach(r -> rowByTime.put(r.eventTime(), r));
        assertEquals(events.size(), rowByTime.size(), "event times are distinct");
        Scorer scorer = model.newScorer();
        List<String> names = model.featureNames();
        for (FeatureVector v : events) {
            List<ScoredEvent> s = scores.get(v.getEventId());
            assertTrue(s != null && s.size() == 1, v.getEventId() + " scored exactly once: " + s);
            RawRecord row = rowByTime.get(v.getEventTime().toEpochMilli());
            io.normalcy.flow.model.Score trainerScore = scorer.score(row.features(), Map.of(), Map.of(),
                    row.eventTime());
            // log p (a double) depends on every derived value; the per-feature terms travel as float32 (ScoredEvent v3)
            assertEquals(trainerScore.logDensity(), s.get(0).getLogDensity(), 1e-9,
                    v.getEventId() + " log-density (trainer row " + row.features() + ")");
            double[] expected = trainerScore.contributions();
            Map<String, Double> terms = io.normalcy.schemas.ScoredEvents.contributions(s.get(0), names);
            for (int i = 0; i < names.size(); i++) {
                assertEquals(expected[i], terms.get(names.get(i)), 1e-5 * Math.max(1, Math.abs(expected[i])),
                        v.getEventId() + " " + names.get(i) + " (trainer row " + row.features() + ")");
            }
        }
    }

    @Test
    void trainerAndDetectorDeriveIdenticalFeatures(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics t = topics("parity");
        createTopics(bootstrap, t);
        List<FeatureVector> events = events(400);
        produce(bootstrap, t.inputs().get(0), events);
        List<RawRecord> rows = new ArrayList<>();
        NormalcyModel model = trainAndPublish(bootstrap, t, rows);
        assertEquals(model.derived().names().size() + 1, model.featureNames().size());
        assertTrue(rows.stream().anyMatch(r -> r.features().get("x.diff") != 0.0), "histories were used");
        try (KafkaStreams streams = detector(bootstrap, t, "parity-detector")) {
            assertParity(events, rows, model, scores(bootstrap, t.scores(), events.size()));
            streams.close(Duration.ofSeconds(20));
        }
    }

    @Test
    void aDetectorRestartedFromTheChangelogDerivesWhatAnUninterruptedRunDerives(KafkaBroker broker)
            throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics t = topics("restart");
        createTopics(bootstrap, t);
        List<FeatureVector> events = events(600);
        List<FeatureVector> first = events.subList(0, 300);
        produce(bootstrap, t.inputs().get(0), first);
        List<RawRecord> firstRows = new ArrayList<>();
        trainAndPublish(bootstrap, t, firstRows); // publishes the model; rows below are re-read over all events

        KafkaStreams a = detector(bootstrap, t, "restart-detector");
        Map<String, List<ScoredEvent>> before = scores(bootstrap, t.scores(), 150);
        assertTrue(before.size() >= 150, "the first instance scored part of the stream");
        Thread producer = new Thread(() -> {
            try {
                produce(bootstrap, t.inputs().get(0), events.subList(300, events.size()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        a.close(Duration.ZERO); // mid-stream: records still arriving, the open transaction is not committed
        producer.join();
        a.close(Duration.ofSeconds(20));
        a.cleanUp(); // no local state: the second instance must restore the histories from the changelog

        try (KafkaStreams b = detector(bootstrap, t, "restart-detector")) {
            Map<String, List<ScoredEvent>> all = scores(bootstrap, t.scores(), events.size());
            ModelDefinition def = Parameters.apply(ModelDefinition.defaults(MODEL), Map.of("features", "x",
                    "derived", DERIVED), "");
            History uninterrupted = new TopicHistorySource(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap), t.inputs().get(0), Duration.ofSeconds(60)).read(def, null, null, 1_000_000);
            NormalcyModel model = ModelStateMapper.fromState(AvroSerde.of(ModelVersion.class).deserialize(t.models(),
                    lastModel(bootstrap, t.models())));
            assertParity(events, uninterrupted.rows(), model, all);
            b.close(Duration.ofSeconds(20));
        }
    }

    private static byte[] lastModel(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            byte[] last = null;
            while (last == null && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    last = r.value();
                }
            }
            return last;
        }
    }
}
