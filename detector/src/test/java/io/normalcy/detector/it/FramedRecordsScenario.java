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
import io.normalcy.testkit.SchemaRegistryServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * The scenario {@link SchemaRegistryIT} (the in-JVM stand-in registry) and {@link RegistryAvroApicurioIT} (a real
 * registry server over mutual TLS with authentication) share, written once so that each IT states only what differs:
 * the registry, the detector's registry settings and the checks it adds ({@link Checks}).
 *
 * <p>The running detector (real in-JVM KRaft broker, Kafka Streams exactly-once) scores Confluent-framed records of
 * the current and of an older writer schema (fields missing, taking their defaults); a record framed with an id the
 * registry does not know is dead-lettered as {@code UNKNOWN_SCHEMA}; then a producer rolls out a newer writer schema
 * (an extra field) the detector has not fetched and the registry goes down: those records are neither dead-lettered
 * nor lost, the detector pauses and, once the registry is back, scores every record exactly once.
 */
final class FramedRecordsScenario {
    /** What an IT checks beyond the shared steps. */
    interface Checks {
        /** While the detector is paused for the outage (the registry is still down). */
        default void whilePaused(ApplicationContext detector) {
        }

        /** After every record was scored once. */
        default void afterResume(ApplicationContext detector) {
        }

        /** Appended to the failure message of the final assertion, e.g. where the registry's log is. */
        default String failureContext() {
            return "";
        }
    }

    private final SchemaRegistryServer registry;
    private final String model;
    private final String subject;
    private final int recordsPerPhase;
    private final long seed;

    /**
     * @param subject         the subject the writer schemas are registered under
     * @param recordsPerPhase records sent before the outage, and again during it
     */
    FramedRecordsScenario(SchemaRegistryServer registry, String model, String subject, int recordsPerPhase,
                          long seed) {
        this.registry = registry;
        this.model = model;
        this.subject = subject;
        this.recordsPerPhase = recordsPerPhase;
        this.seed = seed;
    }

    /**
     * Runs the scenario with a detector started from {@code detectorProperties} (which name the registry; a fast
     * {@code max-block} and {@code probe-interval} are added here) on {@code topics}.
     */
    void run(String bootstrap, DetectorTopics topics, Map<String, Object> detectorProperties, Checks checks)
            throws Exception {
        Map<String, Object> props = new HashMap<>(detectorProperties);
        props.put("normalcy.detector.registry.max-block", "1s");
        props.put("normalcy.detector.registry.probe-interval", "200ms");
        String input = topics.inputs().get(0);
        int currentId = registry.register(subject, FeatureVector.getClassSchema().toString());
        Schema older = olderWriter();
        int olderId = registry.register(subject, older.toString());
        Random rng = new Random(seed);
        Set<String> expected = new HashSet<>();
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ApplicationContext detector = server.getApplicationContext();
            ModelRegistry models = detector.getBean(ModelRegistry.class);
            DetectorMetrics metrics = detector.getBean(DetectorMetrics.class);
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(model, 1, 1.0));
            waitFor(() -> models.get(model) != null, Duration.ofSeconds(60), "model loaded");

            for (int i = 0; i < recordsPerPhase; i++) {
                FeatureVector fv = ItSupport.event(model, i, false, rng);
                byte[] value = i % 2 == 0 ? ConfluentAvroDecoder.encode(currentId, FeatureVector.getClassSchema(), fv)
                        : ConfluentAvroDecoder.encode(olderId, older, asOlder(older, fv));
                producer.send(new ProducerRecord<>(input, fv.getEntity(), value));
                expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
            }
            int unknownId = Math.max(currentId, olderId) + 4242;
            byte[] unknown = ConfluentAvroDecoder.encode(unknownId, FeatureVector.getClassSchema(),
                    ItSupport.event(model, recordsPerPhase, false, rng));
            producer.send(new ProducerRecord<>(input, "unknown", unknown)).get();

            // a producer rolls out a schema the detector has not fetched yet, and the registry goes down
            Schema newer = newerWriter();
            int newerId = registry.register(subject, newer.toString());
            registry.stop();
            for (int i = recordsPerPhase + 1; i <= 2 * recordsPerPhase; i++) {
                FeatureVector fv = ItSupport.event(model, i, false, rng);
                producer.send(new ProducerRecord<>(input, fv.getEntity(),
                        ConfluentAvroDecoder.encode(newerId, newer, asNewer(newer, fv))));
                expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
            }
            producer.flush();
            waitFor(() -> metrics.count(DetectorMetrics.PRODUCTION_ERRORS, "exception",
                            "RegistryUnavailableException", "action", "registry-unavailable") >= 1,
                    Duration.ofSeconds(60), "the detector noticed the outage");
            checks.whilePaused(detector);
            registry.start();

            assertScoredOnceAndUnknownIdDeadLettered(bootstrap, topics, expected, unknownId, checks.failureContext());
            checks.afterResume(detector);
        }
    }

    /**
     * After an outage: every {@code expected} record ("entity/eventTime") was scored exactly once and the only dead
     * letter is the record of the unknown schema id, with reason UNKNOWN_SCHEMA.
     */
    private static void assertScoredOnceAndUnknownIdDeadLettered(String bootstrap, DetectorTopics topics,
                                                                 Set<String> expected, int unknownId, String context) {
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
    private static Schema olderWriter() {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
                + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
                + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
                + "\"logicalType\":\"timestamp-millis\"}},{\"name\":\"features\",\"type\":{\"type\":\"map\","
                + "\"values\":\"double\"}}]}");
    }

    /** FeatureVector of a newer producer: an extra field Normalcy does not know. */
    private static Schema newerWriter() {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
                + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
                + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"source\",\"type\":\"string\",\"default\":\"\"},"
                + "{\"name\":\"eventTime\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                + "{\"name\":\"features\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}");
    }

    private static GenericRecord asOlder(Schema older, FeatureVector fv) {
        GenericRecord r = new GenericData.Record(older);
        r.put("model", fv.getModel());
        r.put("entity", fv.getEntity());
        r.put("eventTime", fv.getEventTime().toEpochMilli());
        r.put("features", fv.getFeatures());
        return r;
    }

    private static GenericRecord asNewer(Schema newer, FeatureVector fv) {
        GenericRecord r = asOlder(newer, fv);
        r.put("source", "sensor-gateway-2");
        return r;
    }
}
