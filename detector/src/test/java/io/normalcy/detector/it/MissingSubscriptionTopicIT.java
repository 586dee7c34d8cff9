package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscription whose Kafka topic does not exist (never created, or deleted later; the broker does not
 * auto-create topics) on the real broker with exactly-once: its alert copies become dead letters naming the
 * subscription and topic, the other subscription and scoring go on, and once the topic exists the copies flow
 * (the known-topics list refreshes on a miss). Before, the producer blocked on the missing topic's metadata and
 * the transaction failed, again on every retry.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MissingSubscriptionTopicIT {
    private static final String MODEL = "route-model";
    private static final int EVENTS = 200;

    @Test
    void copiesToAMissingTopicAreDeadLetteredAndRoutedOnceItExists(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("route");
        String okTopic = "route.sub.ok";
        String missingTopic = "route.sub.missing";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(okTopic, 1, (short) 1))).all().get();
        }
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "route", "detector-route-it");
        props.put("normalcy.detector.known-topics.miss-refresh-interval", "200ms");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ApplicationContext ctx = server.getApplicationContext();
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            subscribe(producer, topics.subscriptions(), "ok", okTopic);
            subscribe(producer, topics.subscriptions(), "missing", missingTopic);
            SubscriptionRegistry subscriptions = ctx.getBean(SubscriptionRegistry.class);
            DetectorIT.waitFor(() -> ctx.getBean(ModelRegistry.class).get(MODEL) != null
                    && subscriptions.get("ok") != null && subscriptions.get("missing") != null,
                    Duration.ofSeconds(60), "model and subscriptions loaded");

            String input = topics.inputs().get(0);
            AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
            Random rng = new Random(7);
            for (int i = 0; i < EVENTS; i++) {
                FeatureVector fv = ItSupport.event(MODEL, i, i % 20 == 0, rng); // 10 anomalies
                producer.send(new ProducerRecord<>(input, fv.getEntity(), avro.serialize(input, fv)));
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> scores = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topics.scores())) {
                ItSupport.readUntil(c, scores, s -> s.size() >= EVENTS, Duration.ofSeconds(120));
            }
            assertEquals(EVENTS, scores.size(), "every event is scored");
            int alerts = count(bootstrap, topics.alerts(), 10);
            assertEquals(alerts, count(bootstrap, okTopic, alerts), "every alert is copied to the existing topic");
            List<DeadLetter> dls = deadLetters(bootstrap, topics.dlq(), alerts);
            assertEquals(alerts, dls.size(), "one dead letter per copy to the missing topic");
            for (DeadLetter d : dls) {
                assertEquals(DeadLetterReason.DELIVERY_FAILED, d.getReason());
                assertTrue(d.getMessage().contains("'missing'") && d.getMessage().contains(missingTopic),
                        d.getMessage());
            }

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(missingTopic, 1, (short) 1))).all().get();
            }
            FeatureVector late = FeatureVector.newBuilder(ItSupport.event(MODEL, EVENTS, true, rng))
                    .setEventId("late").build();
            producer.send(new ProducerRecord<>(input, late.getEntity(), avro.serialize(input, late))).get();
            List<ConsumerRecord<byte[], byte[]>> copies = new ArrayList<>();
            AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, missingTopic)) {
                ItSupport.readUntil(c, copies, r -> !r.isEmpty(), Duration.ofSeconds(60));
            }
            assertEquals(1, copies.size(), "the topic created later receives the next copy");
            assertEquals("late", alertSerde.deserialize(missingTopic, copies.get(0).value()).getEventId());
            assertEquals(KafkaStreams.State.RUNNING, ctx.getBean(KafkaStreams.class).state());
        }
    }

    private static void subscribe(KafkaProducer<String, byte[]> producer, String topic, String id, String target)
            throws Exception {
        AlertSubscription s = TestModels.subscription(id, List.of(MODEL), Severity.WARNING, null, target, true);
        producer.send(new ProducerRecord<>(topic, id, AvroSerde.of(AlertSubscription.class).serialize(topic, s)))
                .get();
    }

    /** Records committed on {@code topic}, waiting until at least {@code atLeast} arrived, then a quiet period. */
    private static int count(String bootstrap, String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topic)) {
            ItSupport.readUntil(c, records, r -> r.size() >= atLeast, Duration.ofSeconds(60));
            records.addAll(ItSupport.drain(c, Duration.ofSeconds(2)));
        }
        return records.size();
    }

    private static List<DeadLetter> deadLetters(String bootstrap, String topic, int n) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topic)) {
            ItSupport.readUntil(c, records, r -> r.size() >= n, Duration.ofSeconds(60));
            records.addAll(ItSupport.drain(c, Duration.ofSeconds(1)));
        }
        AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
        Set<String> sources = new HashSet<>();
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            DeadLetter d = serde.deserialize(topic, r.value());
            String source = d.getPartition() + "@" + d.getOffset();
            assertTrue(sources.add(source), "one dead letter per input, " + source);
            out.add(d);
        }
        return out;
    }
}
