package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.api.ApiIt;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Issue #10, with Kafka Streams running as deployed on Kubernetes ({@code ensure-topics: false}: topics are
 * provisioned outside the detector). A subscription naming a topic that does not exist used to be accepted (201)
 * and then put Kafka Streams into ERROR at the first matching alert. Now it is refused with a 400 naming the
 * field, nothing is created, and a subscription to an existing topic keeps receiving alerts with the stream
 * RUNNING.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionTopicsIT {
    private static final String MODEL = "subs-model";

    @Test
    void missingTopicIsRefusedAndTheStreamStaysRunning(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = "it-subs";
        DetectorTopics topics = ItSupport.topics(prefix);
        String teamTopic = prefix + "-team-alerts";
        createTopics(bootstrap, topics, teamTopic);
        Map<String, Object> props = ItSupport.appProperties(bootstrap, prefix, prefix + "-detector");
        props.put("normalcy.detector.ensure-topics", "false");
        props.put("normalcy.detector.delivery.enabled", "false");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            URL base = server.getURL();
            KafkaStreams streams = server.getApplicationContext().getBean(KafkaStreams.class);
            ApiIt.waitFor(() -> streams.state() == KafkaStreams.State.RUNNING, Duration.ofSeconds(60),
                    "Kafka Streams RUNNING");

            for (String missing : List.of(prefix + "-nowhere", prefix + ".alerts.team-b")) {
                ApiIt.Response r = ApiIt.send(base, "POST", "/subscriptions", """
                        {"subscriberId": "lost", "delivery": {"kafkaTopic": "%s"}}""".formatted(missing));
                assertEquals(400, r.status(), r.body());
                assertTrue(r.body().contains("delivery.kafkaTopic") && r.body().contains("does not exist")
                        && r.body().contains("create-topics is off"), r.body());
                assertFalse(ApiIt.topicExists(bootstrap, missing), "nothing created: " + missing);
            }
            ApiIt.Response ok = ApiIt.send(base, "POST", "/subscriptions", """
                    {"subscriberId": "team", "delivery": {"kafkaTopic": "%s"}}""".formatted(teamTopic));
            assertEquals(201, ok.status(), ok.body());
            assertEquals(List.of("team"), ApiIt.send(base, "GET", "/subscriptions", null).jsonList().stream()
                    .map(m -> m.get("subscriberId")).toList());

            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            AvroSerde<FeatureVector> serde = AvroSerde.of(FeatureVector.class);
            Random rng = new Random(10);
            String input = topics.inputs().get(0);
            List<ConsumerRecord<byte[], byte[]>> routed = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, teamTopic)) {
                // the model may arrive after the first events (those are parked): keep sending until one is routed
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                for (int i = 0; routed.isEmpty() && System.nanoTime() < deadline; i++) {
                    FeatureVector fv = ItSupport.event(MODEL, i, true, rng);
                    producer.send(new ProducerRecord<>(input, fv.getEntity(), serde.serialize(input, fv))).get();
                    ItSupport.readUntil(c, routed, l -> !l.isEmpty(), Duration.ofSeconds(2));
                }
            }
            assertFalse(routed.isEmpty(), "an alert reached the subscription's topic");
            Alert a = AvroSerde.of(Alert.class).deserialize(teamTopic, routed.get(0).value());
            assertEquals(MODEL, a.getModel());
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }

    private static void createTopics(String bootstrap, DetectorTopics t, String extra) throws Exception {
        TopicNames names = new TopicNames(t.inputs().get(0), t.scores(), t.alerts(), t.models(), t.retrain(),
                t.subscriptions(), t.dlq(), t.parking(), "it-subs.training-status");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, new Topics(names, 2, (short) 1).all());
            admin.createTopics(List.of(new NewTopic(extra, 2, (short) 1))).all().get();
        }
    }
}
