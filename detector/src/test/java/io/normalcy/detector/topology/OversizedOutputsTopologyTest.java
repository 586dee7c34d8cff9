package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.AlertIds;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Inputs whose outputs would exceed the producer's limit (Kafka's default {@code max.request.size}, 1 MiB): the
 * TopologyTestDriver does not enforce that limit, so every test checks each forwarded record with the estimate
 * {@code KafkaProducer} itself applies, and that scoring goes on afterwards. Names here are the external contract
 * (header, attribute, metric names), not the implementation's constants.
 */
class OversizedOutputsTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);
    private static final int PRODUCER_LIMIT = 1024 * 1024;
    private static final String TRUNCATED = "normalcy.truncated";
    private static final String TRUNCATED_METRIC = "normalcy.outputs.truncated";
    private static final ByteArrayDeserializer BYTES = new ByteArrayDeserializer();

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    private static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    private static List<TestRecord<byte[], byte[]>> raw(TopologyHarness h, String topic) {
        TestOutputTopic<byte[], byte[]> t = h.driver.createOutputTopic(topic, BYTES, BYTES);
        List<TestRecord<byte[], byte[]>> records = t.readRecordsToList();
        for (TestRecord<byte[], byte[]> r : records) {
            int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                    CompressionType.NONE, r.key(), r.value(), r.headers().toArray());
            assertTrue(size <= PRODUCER_LIMIT, topic + ": the producer would refuse " + size + " bytes");
        }
        return records;
    }

    private static String header(TestRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aValidEventWithAHugeEntityIsScoredAlertedAndRoutedWithTheEntityShortened() {
        String entity = "card-" + repeat('7', 600_000);
        FeatureVector fv = vector(MODEL, entity, START, "big-1", x(6, 0, 0)); // critical
        byte[] json = new FeatureVectorJsonSerde().serialize("t", fv);
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.subscribe(TestModels.subscription("all", List.of(), Severity.WARNING, "card-.*", "sub.all", true));
            h.features.pipeInput(entity, json);
            h.send(vector(MODEL, "e2", START, "n", x(0, 0, 0)));

            List<TestRecord<byte[], byte[]>> scores = raw(h, h.topics.scores());
            assertEquals(2, scores.size(), "the huge event and the next one are scored");
            ScoredEvent s = AvroSerde.of(ScoredEvent.class).deserialize("t", scores.get(0).value());
            assertEquals(utf8(scores.get(0).key()), s.getEntity(), "key = shortened entity");
            assertTrue(s.getEntity().length() < 2000, "shortened to " + s.getEntity().length() + " chars");
            assertTrue(s.getEntity().startsWith(entity.substring(0, 1000)), "prefix kept");
            assertTrue(s.getEntity().contains("truncated: " + entity.length() + " bytes, sha256 "), s.getEntity()
                    .substring(1000));
            assertEquals("entity", header(scores.get(0), TRUNCATED));
            assertEquals(Severity.CRITICAL, s.getSeverity());
            assertNull(header(scores.get(1), TRUNCATED), "an ordinary score is not marked");

            List<TestRecord<byte[], byte[]>> alerts = raw(h, h.topics.alerts());
            assertEquals(1, alerts.size());
            Alert a = AvroSerde.of(Alert.class).deserialize("t", alerts.get(0).value());
            assertEquals(s.getEntity(), a.getEntity());
            assertEquals("true", a.getAttributes().get(TRUNCATED));
            assertEquals("v", a.getAttributes().get("k"), "short attributes are kept");
            assertEquals(AlertIds.derive(MODEL, entity, START, "big-1", "normalcy.features", 0, 0), a.getAlertId(),
                    "the alert id comes from the full entity");
            assertEquals("entity", header(alerts.get(0), TRUNCATED));
            List<TestRecord<byte[], byte[]>> copies = raw(h, "sub.all");
            assertEquals(1, copies.size(), "the subscription matched the full entity and got the shortened copy");
            assertArrayEquals(alerts.get(0).value(), copies.get(0).value());

            assertTrue(h.dlq.isEmpty());
            assertEquals(1.0, h.metrics.count(TRUNCATED_METRIC, "output", "score"));
            assertEquals(1.0, h.metrics.count(TRUNCATED_METRIC, "output", "alert"));
        }
    }

    @Test
    void anOversizedDeadLetterCarriesATruncatedPayloadTheOriginalSizesAndTheSourceOffset() {
        byte[] garbage = new byte[1_100_000];
        Arrays.fill(garbage, (byte) 'x'); // neither Avro nor JSON
        garbage[garbage.length - 1] = 'y';
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "e1", START, "1", x(0, 0, 0)));
            h.features.pipeInput(new TestRecord<>("k", garbage, new RecordHeaders().add("trace", new byte[] {7}),
                    START));
            h.send(vector(MODEL, "e3", START, "3", x(0, 0, 0)));

            List<TestRecord<byte[], byte[]>> dlq = raw(h, h.topics.dlq());
            assertEquals(1, dlq.size());
            assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), dlq.get(0).key());
            DeadLetter d = AvroSerde.of(DeadLetter.class).deserialize("t", dlq.get(0).value());
            assertEquals(DeadLetterReason.DESERIALIZATION, d.getReason());
            assertEquals("normalcy.features", d.getSourceTopic());
            assertEquals(0, d.getPartition());
            assertEquals(1L, d.getOffset(), "the source offset of the complete record");
            assertTrue(d.getTruncated());
            assertEquals(1_100_000, d.getOriginalValueSize());
            assertEquals(1, d.getOriginalKeySize());
            byte[] kept = TestModels.bytes(d.getValue());
            assertTrue(kept.length > 1_000_000 && kept.length < garbage.length, "kept " + kept.length);
            assertArrayEquals(Arrays.copyOf(garbage, kept.length), kept, "a prefix of the original value");
            assertEquals("trace", d.getHeaders().get(0).getKey());
            assertEquals(2, raw(h, h.topics.scores()).size(), "scoring goes on");
            assertEquals(1.0, h.metrics.count(TRUNCATED_METRIC, "output", "dead-letter"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.DLQ, "reason", "DESERIALIZATION"));
        }
    }

    @Test
    void aDeadLetterWithAHugeKeyKeepsTheCompleteValueAndTheOriginalKeySize() {
        String entity = repeat('e', 600_000);
        byte[] json = new FeatureVectorJsonSerde().serialize("t",
                vector(MODEL, entity, START, "1", Map.of("a", 1.0, "b", 1.0))); // feature c missing
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.features.pipeInput(entity, json);
            List<TestRecord<byte[], byte[]>> dlq = raw(h, h.topics.dlq());
            assertEquals(1, dlq.size());
            assertTrue(dlq.get(0).key().length < 2000, "record key capped to " + dlq.get(0).key().length);
            DeadLetter d = AvroSerde.of(DeadLetter.class).deserialize("t", dlq.get(0).value());
            assertEquals(DeadLetterReason.MISSING_FEATURE, d.getReason());
            assertTrue(d.getMessage().contains("'c'"), d.getMessage());
            assertTrue(d.getTruncated());
            assertEquals(600_000, d.getOriginalKeySize());
            assertArrayEquals(Arrays.copyOf(entity.getBytes(StandardCharsets.UTF_8), d.getKey().remaining()),
                    TestModels.bytes(d.getKey()), "a prefix of the original key");
            assertEquals(json.length, d.getOriginalValueSize());
            assertArrayEquals(json, TestModels.bytes(d.getValue()), "the value still fits whole");
        }
    }

    @Test
    void anAlertWithThousandsOfAttributesKeepsOnlyTheMarker() {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            attributes.put("attr-" + i, repeat('a', 600)); // each short, 1.2 MB together
        }
        FeatureVector fv = FeatureVector.newBuilder(vector(MODEL, "e1", START, "1", x(6, 0, 0)))
                .setAttributes(attributes).build();
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(fv);
            List<TestRecord<byte[], byte[]>> alerts = raw(h, h.topics.alerts());
            assertEquals(1, alerts.size());
            Alert a = AvroSerde.of(Alert.class).deserialize("t", alerts.get(0).value());
            assertEquals(Map.of(TRUNCATED, "true"), a.getAttributes());
            assertEquals("e1", a.getEntity());
            assertEquals(x(6, 0, 0), a.getFeatures(), "model-bound parts are untouched");
            assertEquals("attributes", header(alerts.get(0), TRUNCATED));
            List<TestRecord<byte[], byte[]>> scores = raw(h, h.topics.scores());
            assertNull(header(scores.get(0), TRUNCATED), "a score has no attributes to shorten");
        }
    }

    @Test
    void aRecordTooLargeToParkIsDeadLetteredAsNoModel() {
        FeatureVector fv = FeatureVector.newBuilder(vector("ghost", "e", START, "1", x(0, 0, 0)))
                .setAttributes(Map.of("blob", repeat('b', 1_100_000))).build();
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(fv);
            h.send(vector("ghost", "e", START, "2", x(0, 0, 0)));
            List<TestRecord<byte[], byte[]>> parked = raw(h, h.topics.parking());
            assertEquals(1, parked.size(), "only the small record is parked");
            List<TestRecord<byte[], byte[]>> dlq = raw(h, h.topics.dlq());
            assertEquals(1, dlq.size());
            DeadLetter d = AvroSerde.of(DeadLetter.class).deserialize("t", dlq.get(0).value());
            assertEquals(DeadLetterReason.NO_MODEL, d.getReason());
            assertEquals("org.apache.kafka.common.errors.RecordTooLargeException", d.getErrorClass());
            assertTrue(d.getMessage().contains("too large to park"), d.getMessage());
            assertTrue(d.getTruncated());
            assertEquals(0L, d.getOffset());
            assertEquals(1.0, h.metrics.count("normalcy.outputs.oversized", "output", "parked"));
        }
    }

    @Test
    void theCoolDownOfAHugeEntityIsKeyedByItsShortenedForm() {
        String entity = repeat('c', 600_000);
        try (TopologyHarness h = new TopologyHarness(DetectorSettings.defaults())) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, entity, START, "1", x(6, 0, 0)));
            h.send(vector(MODEL, entity, START.plusSeconds(10), "2", x(6, 0, 0)));
            assertEquals(1, raw(h, h.topics.alerts()).size(), "the second alert is cooled down");
            assertEquals(1.0, h.metrics.count(DetectorMetrics.SUPPRESSED, "model", MODEL));
            KeyValueStore<String, Long> store = h.driver.getKeyValueStore(DetectorTopology.COOLDOWN_STORE);
            try (KeyValueIterator<String, Long> it = store.all()) {
                KeyValue<String, Long> kv = it.next();
                assertTrue(kv.key.length() < 1300, "cool-down key of " + kv.key.length() + " chars");
            }
        }
    }
}
