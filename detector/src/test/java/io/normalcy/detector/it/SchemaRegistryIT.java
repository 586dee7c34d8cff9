package io.normalcy.detector.it;

import static io.normalcy.detector.it.DetectorIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubSchemaRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Confluent-framed FeatureVectors through the running detector on the real (in-JVM KRaft) broker: records of the
 * current and of an older writer schema are scored, an unknown schema id is dead-lettered as {@code UNKNOWN_SCHEMA},
 * and records whose schema must be fetched while the registry is DOWN are neither dead-lettered nor lost: the
 * detector pauses and scores every one of them exactly once after the registry is back.
 *
 * <p>The registry is {@link StubSchemaRegistry}, a stand-in speaking the Confluent-compatible REST API; the same
 * scenario against a real registry server is {@link RegistryAvroApicurioIT}. The broker, Kafka Streams
 * (exactly-once), the pause/resume and the thread replacement are real.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SchemaRegistryIT {
    private static final String MODEL = "registry-model";
    private static final String SUBJECT = "sr.features-value";

    @Test
    void scoresFramedRecordsDeadLettersUnknownIdsAndWaitsOutARegistryOutage(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("sr");
        String input = topics.inputs().get(0);
        try (StubSchemaRegistry registry = new StubSchemaRegistry()) {
            Map<String, Object> props = ItSupport.appProperties(bootstrap, "sr", "detector-sr-it");
            props.put("normalcy.detector.registry.url", registry.url());
            props.put("normalcy.detector.registry.max-block", "1s");
            props.put("normalcy.detector.registry.probe-interval", "200ms");
            int currentId = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
            Schema older = olderWriter();
            int olderId = registry.register(SUBJECT, older.toString());
            Random rng = new Random(12);
            Set<String> expected = new HashSet<>();
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
                 KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
                ModelRegistry models = server.getApplicationContext().getBean(ModelRegistry.class);
                DetectorMetrics metrics = server.getApplicationContext().getBean(DetectorMetrics.class);
                ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
                waitFor(() -> models.get(MODEL) != null, Duration.ofSeconds(60), "model loaded");

                for (int i = 0; i < 100; i++) {
                    FeatureVector fv = ItSupport.event(MODEL, i, false, rng);
                    byte[] value = i % 2 == 0 ? ConfluentAvroDecoder.encode(currentId, FeatureVector.getClassSchema(), fv)
                            : ConfluentAvroDecoder.encode(olderId, older, asOlder(older, fv));
                    producer.send(new ProducerRecord<>(input, fv.getEntity(), value));
                    expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
                }
                byte[] unknown = ConfluentAvroDecoder.encode(4242, FeatureVector.getClassSchema(),
                        ItSupport.event(MODEL, 100, false, rng));
                producer.send(new ProducerRecord<>(input, "unknown", unknown)).get();

                // a producer rolls out a schema the detector has not seen yet, and the registry goes down
                Schema newer = newerWriter();
                int newerId = registry.register(SUBJECT, newer.toString());
                registry.stop();
                for (int i = 101; i < 201; i++) {
                    FeatureVector fv = ItSupport.event(MODEL, i, false, rng);
                    producer.send(new ProducerRecord<>(input, fv.getEntity(),
                            ConfluentAvroDecoder.encode(newerId, newer, asNewer(newer, fv))));
                    expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
                }
                producer.flush();
                waitFor(() -> metrics.count(DetectorMetrics.PRODUCTION_ERRORS, "exception",
                                "RegistryUnavailableException", "action", "registry-unavailable") >= 1,
                        Duration.ofSeconds(60), "the detector noticed the outage");
                registry.start();

                assertScoredOnceAndUnknownIdDeadLettered(bootstrap, topics, expected, 4242, "");
            }
        }
    }

    /**
     * After an outage: every {@code expected} record ("entity/eventTime") was scored exactly once and the only dead
     * letter is the record of the unknown schema id, with reason UNKNOWN_SCHEMA. Shared with the real-registry IT.
     */
    static void assertScoredOnceAndUnknownIdDeadLettered(String bootstrap, DetectorTopics topics, Set<String> expected,
                                                         int unknownId, String context) {
        List<ConsumerRecord<byte[], byte[]>> scores = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.scores())) {
            ItSupport.readUntil(reader, scores, s -> s.size() >= expected.size(), Duration.ofSeconds(120));
            scores.addAll(ItSupport.drain(reader, Duration.ofSeconds(2))); // duplicates would show here
        }
        List<ConsumerRecord<byte[], byte[]>> dlq;
        try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.dlq())) {
            dlq = ItSupport.readUntil(reader, new ArrayList<>(), d -> !d.isEmpty(), Duration.ofSeconds(30));
            dlq.addAll(ItSupport.drain(reader, Duration.ofSeconds(1)));
        }
        AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
        Set<String> scored = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : scores) {
            ScoredEvent s = scoreSerde.deserialize(topics.scores(), r.value());
            assertTrue(scored.add(s.getEntity() + "/" + s.getEventTime().toEpochMilli()), "scored twice: " + s);
        }
        assertEquals(expected, scored, "every framed record scored exactly once, none lost in the outage" + context);
        assertEquals(1, dlq.size(), "only the unknown schema id is dead-lettered");
        DeadLetter d = AvroSerde.of(DeadLetter.class).deserialize(topics.dlq(), dlq.get(0).value());
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA, d.getReason());
        assertTrue(d.getMessage().contains(String.valueOf(unknownId)), d.getMessage());
    }

    /** FeatureVector as a producer built before context, attributes and eventId existed. */
    static Schema olderWriter() {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
                + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
                + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
                + "\"logicalType\":\"timestamp-millis\"}},{\"name\":\"features\",\"type\":{\"type\":\"map\","
                + "\"values\":\"double\"}}]}");
    }

    /** FeatureVector of a newer producer: an extra field Normalcy does not know. */
    static Schema newerWriter() {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
                + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
                + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"source\",\"type\":\"string\",\"default\":\"\"},"
                + "{\"name\":\"eventTime\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                + "{\"name\":\"features\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}");
    }

    static GenericRecord asOlder(Schema older, FeatureVector fv) {
        GenericRecord r = new GenericData.Record(older);
        r.put("model", fv.getModel());
        r.put("entity", fv.getEntity());
        r.put("eventTime", fv.getEventTime().toEpochMilli());
        r.put("features", fv.getFeatures());
        return r;
    }

    static GenericRecord asNewer(Schema newer, FeatureVector fv) {
        GenericRecord r = asOlder(newer, fv);
        r.put("source", "sensor-gateway-2");
        return r;
    }
}
