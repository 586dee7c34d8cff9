package io.normalcy.detector.it;

import static io.normalcy.detector.it.DetectorIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.MissingPolicy;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 4 on the real (in-JVM KRaft) broker: a raw JSON topic scored through a mapping by the running
 * detector, whose model declares {@code b: impute} (held-out median 0.5), {@code c: skip} and leaves {@code a} at the
 * default dead-letter. Records lacking {@code b} are scored with the flag, records with {@code c} null are counted as
 * skipped and produce no output, records without {@code a} are dead-lettered as MAPPING naming the path
 * (a feature without a policy keeps the mapping's error), and nothing is lost: in = scored + skipped + dead-lettered.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MissingValuesIT {
    private static final String MODEL = "gaps";
    private static final int N = 40;

    @Test
    void eachPolicyOnARawJsonTopic(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("miss");
        String raw = "miss.readings";
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "miss", "detector-missing-it");
        props.put("normalcy.detector.cool-down", "0s");
        String m = "normalcy.detector.mappings.readings.";
        props.put(m + "topic", raw);
        props.put(m + "model", MODEL);
        props.put(m + "event-time", "ts");
        props.put(m + "features.a", "x.a");
        props.put(m + "features.b", "x.b");
        props.put(m + "features.c", "x.c");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ModelRegistry models = server.getApplicationContext().getBean(ModelRegistry.class);
            DetectorMetrics metrics = server.getApplicationContext().getBean(DetectorMetrics.class);
            ItSupport.publishModel(producer, topics.models(), TestModels.withMissing(
                    TestModels.standardNormal(MODEL, 1, 1.0), Map.of(
                            "b", TestModels.policy("b", MissingPolicy.IMPUTE, 0.5),
                            "c", TestModels.policy("c", MissingPolicy.SKIP, 0.0))));
            waitFor(() -> models.get(MODEL) != null, Duration.ofSeconds(60), "model loaded");

            Map<String, String> kinds = new HashMap<>();
            for (int i = 0; i < N; i++) {
                String kind = switch (i % 4) {
                    case 0 -> "imputed";
                    case 1 -> "skipped";
                    case 2 -> "dead";
                    default -> "complete";
                };
                String entity = kind + "-" + i;
                kinds.put(entity, kind);
                producer.send(new ProducerRecord<>(raw, entity, json(kind, i)));
            }
            producer.flush();
            int each = N / 4;

            Map<String, List<String>> imputedByEntity = new HashMap<>();
            AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
            try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.scores())) {
                List<ConsumerRecord<byte[], byte[]>> scores = ItSupport.readUntil(reader, new ArrayList<>(),
                        s -> s.size() >= 2 * each, Duration.ofSeconds(120));
                scores.addAll(ItSupport.drain(reader, Duration.ofSeconds(1)));
                for (ConsumerRecord<byte[], byte[]> r : scores) {
                    ScoredEvent e = scoreSerde.deserialize(topics.scores(), r.value());
                    imputedByEntity.put(e.getEntity(), e.getImputedFeatures());
                }
            }
            assertEquals(2 * each, imputedByEntity.size(), "complete and imputed records are scored, once each");
            imputedByEntity.forEach((entity, imputed) -> assertEquals(
                    kinds.get(entity).equals("imputed") ? List.of("b") : List.of(), imputed, entity));

            List<DeadLetter> dead = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.dlq())) {
                List<ConsumerRecord<byte[], byte[]>> dlq = ItSupport.readUntil(reader, new ArrayList<>(),
                        d -> d.size() >= each, Duration.ofSeconds(60));
                dlq.addAll(ItSupport.drain(reader, Duration.ofSeconds(1)));
                for (ConsumerRecord<byte[], byte[]> r : dlq) {
                    dead.add(AvroSerde.of(DeadLetter.class).deserialize(topics.dlq(), r.value()));
                }
            }
            Set<String> deadEntities = new HashSet<>();
            for (DeadLetter d : dead) {
                assertEquals(DeadLetterReason.MAPPING, d.getReason(), d.getMessage());
                assertTrue(d.getMessage().contains("x.a"), d.getMessage());
                deadEntities.add(StandardCharsets.UTF_8.decode(d.getKey()).toString());
            }
            assertEquals(each, dead.size(), "only the records without a (policy dead-letter) are dead-lettered");
            assertTrue(deadEntities.stream().allMatch(e -> kinds.get(e).equals("dead")), deadEntities.toString());

            waitFor(() -> metrics.count(DetectorMetrics.SKIPPED, "model", MODEL, "feature", "c") >= each,
                    Duration.ofSeconds(30), "skips counted");
            double skipped = metrics.count(DetectorMetrics.SKIPPED, "model", MODEL, "feature", "c");
            assertEquals(each, skipped, 0.0);
            assertEquals(N, imputedByEntity.size() + (int) skipped + dead.size(),
                    "nothing lost: in = scored + skipped + dead-lettered");
        }
    }

    /** A reading as some producer writes it; {@code imputed} lacks x.b, {@code skipped} has x.c null, {@code dead}
     * lacks x.a. */
    private static byte[] json(String kind, int i) {
        double v = (i % 7) / 10.0;
        String a = kind.equals("dead") ? "" : String.format(Locale.ROOT, "\"a\":%.2f,", v);
        String b = kind.equals("imputed") ? "" : String.format(Locale.ROOT, "\"b\":%.2f,", -v);
        String c = kind.equals("skipped") ? "\"c\":null" : String.format(Locale.ROOT, "\"c\":%.2f", v / 2);
        return ("{\"x\":{" + a + b + c + "},\"ts\":\"2026-03-02T00:00:" + String.format(Locale.ROOT, "%02d", i % 60)
                + ".000Z\"}").getBytes(StandardCharsets.UTF_8);
    }
}
