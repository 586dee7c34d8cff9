package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.DetectorApplication;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.testkit.ServiceJvm;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash and restart under exactly-once: the first detector runs in a separate JVM and is killed with SIGKILL
 * mid-stream (no shutdown hook, open transaction), a second one takes over. Read with read_committed, every
 * input is scored exactly once and the alerts are exactly the flagged scores: no duplicate alert ids, no gaps.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DetectorRestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorRestartIT.class);
    private static final String MODEL = "restart-model";
    private static final int N = 20_000;

    @Test
    void exactlyOnceAcrossACrash(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = "it2";
        DetectorTopics topics = ItSupport.topics(prefix);
        createTopics(bootstrap, topics);
        Map<String, Object> props = ItSupport.appProperties(bootstrap, prefix, "detector-restart-it");
        AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
        try (KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            Process first = startInSeparateJvm(props);
            ApplicationContext second = null;
            try {
                CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
                    Random rng = new Random(99);
                    for (int i = 0; i < N; i++) {
                        FeatureVector fv = ItSupport.event(MODEL, i, rng.nextDouble() < 0.02, rng);
                        producer.send(new ProducerRecord<>(topics.inputs().get(0), fv.getEntity(),
                                fvSerde.serialize(topics.inputs().get(0), fv)));
                        if (i % 20 == 19) {
                            sleep(10); // ~2,000 records/s: the crash lands mid-stream
                        }
                    }
                    producer.flush();
                });
                List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> scores = ItSupport.committedReader(bootstrap, topics.scores())) {
                    ItSupport.readUntil(scores, seen, s -> s.size() >= N / 4, Duration.ofSeconds(90));
                }
                assertTrue(seen.size() >= N / 4, "the first detector scored " + seen.size() + " records");
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                LOG.info("Killed the first detector after {} committed scores", seen.size());

                Map<String, Object> props2 = new HashMap<>(props);
                props2.put("kafka.streams.detector.state.dir", ItSupport.tempDir().toString());
                second = ApplicationContext.run(props2);
                produced.get(120, TimeUnit.SECONDS);

                List<ConsumerRecord<byte[], byte[]>> scoreRecords = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> scores = ItSupport.committedReader(bootstrap, topics.scores())) {
                    ItSupport.readUntil(scores, scoreRecords, s -> s.size() >= N, Duration.ofSeconds(150));
                    scoreRecords.addAll(ItSupport.drain(scores, Duration.ofSeconds(3)));
                }
                AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
                Set<String> scored = new HashSet<>();
                Set<String> flagged = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : scoreRecords) {
                    ScoredEvent s = scoreSerde.deserialize(topics.scores(), r.value());
                    assertTrue(scored.add(s.getEventId()), "scored twice: " + s.getEventId());
                    if (s.getSeverity() != Severity.NORMAL) {
                        flagged.add(s.getEventId());
                    }
                }
                assertEquals(N, scored.size(), "every input scored exactly once");

                List<ConsumerRecord<byte[], byte[]>> alertRecords;
                try (KafkaConsumer<byte[], byte[]> alerts = ItSupport.committedReader(bootstrap, topics.alerts())) {
                    alertRecords = ItSupport.drain(alerts, Duration.ofSeconds(3));
                }
                AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);
                Set<String> alertIds = new HashSet<>();
                Set<String> alerted = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : alertRecords) {
                    Alert a = alertSerde.deserialize(topics.alerts(), r.value());
                    assertTrue(alertIds.add(a.getAlertId()), "duplicate alert id " + a.getAlertId());
                    alerted.add(a.getEventId());
                }
                assertEquals(flagged, alerted, "alerts are exactly the flagged scores (no gaps, no extras)");
                LOG.info("{} scores, {} alerts, no duplicates across the crash", scored.size(), alertIds.size());
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    second.close();
                }
            }
        }
    }

    private static Process startInSeparateJvm(Map<String, Object> props) throws Exception {
        return ServiceJvm.start(DetectorApplication.class, "256m", props,
                Path.of("target", "detector-restart-first-jvm.log"));
    }

    /** The topics as the schemas module's descriptors define them (what a deployment's provisioning creates). */
    private static void createTopics(String bootstrap, DetectorTopics t) {
        TopicNames names = new TopicNames(t.inputs().get(0), t.scores(), t.alerts(), t.models(), t.retrain(),
                t.subscriptions(), t.dlq(), t.parking(), "it2.training-status");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, new Topics(names, 2, (short) 1).all());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
