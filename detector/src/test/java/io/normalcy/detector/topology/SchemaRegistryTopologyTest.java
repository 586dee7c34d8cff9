package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.StubSchemaRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Confluent-framed input records on the TopologyTestDriver. UNIT test: the registry is {@link StubSchemaRegistry}, a
 * stand-in for the registry's REST API (no real registry can be started on the build machines; the end-to-end proof
 * on the real broker is {@code SchemaRegistryIT}).
 */
class SchemaRegistryTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);
    private static final Map<String, Double> NORMAL = Map.of("a", 0.5, "b", -0.5, "c", 0.2);

    private StubSchemaRegistry stub;
    private int currentId;

    @BeforeEach
    void start() throws Exception {
        stub = new StubSchemaRegistry();
        currentId = stub.register("normalcy.features-value", FeatureVector.getClassSchema().toString());
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private TopologyHarness harness(Duration maxBlock) {
        SchemaRegistryClient client = new SchemaRegistryClient(
                RegistrySettings.of("normalcy.detector.registry", stub.url()).withMaxBlock(maxBlock));
        TopologyHarness h = new TopologyHarness(NO_COOL_DOWN, OutputSettings.defaults(), client);
        h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
        return h;
    }

    private byte[] framed(String eventId) {
        return ConfluentAvroDecoder.encode(currentId, FeatureVector.getClassSchema(),
                vector(MODEL, "e-" + eventId, START, eventId, NORMAL));
    }

    @Test
    void framedRecordsOfTheCurrentAndAnOlderWriterSchemaAreScored() {
        Schema older = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
                + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
                + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
                + "\"logicalType\":\"timestamp-millis\"}},{\"name\":\"features\",\"type\":{\"type\":\"map\","
                + "\"values\":\"double\"}}]}");
        int olderId = stub.register("normalcy.features-value", older.toString());
        GenericRecord old = new GenericData.Record(older);
        old.put("model", MODEL);
        old.put("entity", "old-producer");
        old.put("eventTime", START.toEpochMilli());
        old.put("features", NORMAL);
        try (TopologyHarness h = harness(Duration.ofSeconds(1))) {
            h.features.pipeInput("k1", framed("n1"));
            h.features.pipeInput("k2", ConfluentAvroDecoder.encode(olderId, older, old));
            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(2, scores.size());
            assertEquals("n1", scores.get(0).getEventId());
            assertEquals("old-producer", scores.get(1).getEntity());
            assertEquals(scores.get(0).getLogDensity(), scores.get(1).getLogDensity(), 1e-9);
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void anUnknownSchemaIdIsDeadLetteredWithItsOwnReason() {
        byte[] unknown = ConfluentAvroDecoder.encode(999, FeatureVector.getClassSchema(),
                vector(MODEL, "e", START, "x", NORMAL));
        try (TopologyHarness h = harness(Duration.ofSeconds(1))) {
            h.features.pipeInput("k", unknown);
            DeadLetter d = h.dlq.readValue();
            assertEquals(DeadLetterReason.UNKNOWN_SCHEMA, d.getReason());
            assertArrayEquals(unknown, TestModels.bytes(d.getValue()));
            assertTrue(d.getMessage().contains("schema id 999"), d.getMessage());
            assertEquals(1.0, h.metrics.count(DetectorMetrics.DLQ, "reason", "UNKNOWN_SCHEMA"));
            assertTrue(h.scores.isEmpty());
        }
    }

    @Test
    void aRegistryOutageFailsTheTaskInsteadOfDeadLetteringAndTheRecordScoresWhenItIsBack() throws Exception {
        try (TopologyHarness h = harness(Duration.ofMillis(200))) {
            stub.stop();
            RuntimeException e = assertThrows(RuntimeException.class, () -> h.features.pipeInput("k", framed("r1")));
            assertNotNull(RegistryUnavailableException.find(e), e.toString());
            assertTrue(h.dlq.isEmpty(), "a registry outage must not dead-letter the record");
            assertTrue(h.scores.isEmpty());
            stub.start();
            h.features.pipeInput("k", framed("r1")); // what the replaced thread re-reads from the last commit
            List<ScoredEvent> scores = h.scores.readValuesToList();
            assertEquals(1, scores.size());
            assertEquals("r1", scores.get(0).getEventId());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void withoutARegistryAFramedRecordIsUndecodableNamingTheKey() {
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.features.pipeInput("k", framed("x"));
            DeadLetter d = h.dlq.readValue();
            assertEquals(DeadLetterReason.DESERIALIZATION, d.getReason());
            assertTrue(d.getMessage().contains("no schema registry is configured"), d.getMessage());
        }
    }
}
