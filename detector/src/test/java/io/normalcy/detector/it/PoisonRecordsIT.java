package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "One bad record must never stop scoring", on the real broker with exactly-once: a valid JSON event with a
 * 600 KB entity (its score and alert, keyed by the entity, exceed the producer's 1 MiB limit), a ~1 MB undecodable
 * value (its dead letter exceeds it) and an invalid event with a 600 KB key, then ordinary events. The input
 * topic allows 4 MiB records, as it must for such inputs to exist at all; the detector's producer keeps Kafka's
 * default {@code max.request.size}. Before the output checks, the first poison record failed the transaction,
 * every replacement thread re-read it and died, and the client shut down.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonRecordsIT {
    private static final String MODEL = "poison-model";
    private static final int NORMAL = 300;
    private static final int INPUT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    @Test
    void poisonRecordsAreShortenedOrDeadLetteredAndScoringGoesOn(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("poison");
        String input = topics.inputs().get(0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(input, 1, (short) 1).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(INPUT_MAX_MESSAGE_BYTES))))).all().get();
        }
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "poison", "detector-poison-it");
        String entity = "card-" + "7".repeat(600_000);
        byte[] garbage = new byte[1_050_000];
        Arrays.fill(garbage, (byte) 'x');
        String invalidKey = "k".repeat(600_000);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ApplicationContext ctx = server.getApplicationContext();
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            DetectorIT.waitFor(() -> ctx.getBean(ModelRegistry.class).get(MODEL) != null, Duration.ofSeconds(60),
                    "model loaded");

            FeatureVectorJsonSerde json = new FeatureVectorJsonSerde();
            FeatureVector huge = FeatureVector.newBuilder(ItSupport.event(MODEL, 0, true, new Random(1)))
                    .setEntity(entity).setEventId("huge").build();
            producer.send(new ProducerRecord<>(input, entity, json.serialize(input, huge))).get();
            long garbageOffset = producer.send(new ProducerRecord<>(input, "garbage", garbage)).get().offset();
            FeatureVector invalid = FeatureVector.newBuilder(ItSupport.event(MODEL, 1, false, new Random(2)))
                    .setEntity(invalidKey).setFeatures(Map.of("a", 1.0, "b", 1.0)).build();
            long invalidOffset = producer.send(new ProducerRecord<>(input, invalidKey,
                    json.serialize(input, invalid))).get().offset();
            AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
            Random rng = new Random(20260302L);
            for (int i = 10; i < 10 + NORMAL; i++) {
                FeatureVector fv = ItSupport.event(MODEL, i, false, rng);
                producer.send(new ProducerRecord<>(input, fv.getEntity(), avro.serialize(input, fv)));
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> scores = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topics.scores())) {
                ItSupport.readUntil(c, scores, s -> s.size() >= NORMAL + 1, Duration.ofSeconds(120));
            }
            assertEquals(NORMAL + 1, scores.size(), "the huge event and every ordinary event after it are scored");
            Set<String> scoredIds = new HashSet<>();
            AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
            ConsumerRecord<byte[], byte[]> hugeScore = null;
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = scoreSerde.deserialize(topics.scores(), r.value());
                scoredIds.add(s.getEventId());
                if ("huge".equals(s.getEventId())) {
                    hugeScore = r;
                    assertTrue(s.getEntity().startsWith("card-777") && s.getEntity().contains("truncated: "
                            + entity.length() + " bytes"), "shortened entity");
                    assertEquals(s.getEntity(), new String(r.key(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(NORMAL + 1, scoredIds.size(), "each once");
            assertTrue(hugeScore != null, "the huge event's score");
            assertEquals("entity", header(hugeScore, "normalcy.truncated"));

            AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);
            List<ConsumerRecord<byte[], byte[]>> alerts = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topics.alerts())) {
                ItSupport.readUntil(c, alerts, a -> a.stream().anyMatch(r -> "huge".equals(
                        alertSerde.deserialize(topics.alerts(), r.value()).getEventId())), Duration.ofSeconds(30));
            }
            Alert alert = alerts.stream().map(r -> alertSerde.deserialize(topics.alerts(), r.value()))
                    .filter(a -> "huge".equals(a.getEventId())).findFirst()
                    .orElseThrow(() -> new AssertionError("no alert of the huge event"));
            assertEquals("true", alert.getAttributes().get("normalcy.truncated"));

            Map<Long, DeadLetter> deadLetters = deadLetters(bootstrap, topics.dlq(), 2);
            DeadLetter g = deadLetters.get(garbageOffset);
            assertEquals(DeadLetterReason.DESERIALIZATION, g.getReason());
            assertEquals(input, g.getSourceTopic());
            assertTrue(g.getTruncated());
            assertEquals(garbage.length, g.getOriginalValueSize());
            byte[] kept = TestModels.bytes(g.getValue());
            assertTrue(kept.length > 1_000_000 && kept.length < garbage.length, "truncated payload " + kept.length);
            assertArrayEquals(Arrays.copyOf(garbage, kept.length), kept);
            DeadLetter inv = deadLetters.get(invalidOffset);
            assertEquals(DeadLetterReason.MISSING_FEATURE, inv.getReason());
            assertTrue(inv.getTruncated());
            assertEquals(invalidKey.length(), inv.getOriginalKeySize());

            KafkaStreams streams = ctx.getBean(KafkaStreams.class);
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
            DetectorMetrics metrics = ctx.getBean(DetectorMetrics.class);
            assertEquals(0.0, metrics.total(DetectorMetrics.PRODUCTION_ERRORS), "no refused record, no thread died");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Dead letters by source offset, once {@code n} are committed (or the deadline passes). */
    private static Map<Long, DeadLetter> deadLetters(String bootstrap, String topic, int n) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topic)) {
            ItSupport.readUntil(c, records, r -> r.size() >= n, Duration.ofSeconds(30));
        }
        assertEquals(n, records.size(), "dead letters");
        Map<Long, DeadLetter> out = new HashMap<>();
        AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertTrue(r.serializedKeySize() + r.serializedValueSize() < 1024 * 1024, "fits the producer limit");
            DeadLetter d = serde.deserialize(topic, r.value());
            Optional.ofNullable(out.put(d.getOffset(), d)).ifPresent(dup -> {
                throw new AssertionError("two dead letters of offset " + d.getOffset());
            });
        }
        return out;
    }
}
