package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.schemas.serde.AvroSerde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The scoring task writes its scores and alerts with writers it reuses from record to record (buffer, encoder,
 * headers): an output must not depend on what the task wrote before it. The same small record at the same input
 * offset gives byte-identical score and alert records (key, value, headers) whether the task had just written
 * large ones (carrying headers) or only small ones.
 */
class OutputReuseTopologyTest {
    private static final String MODEL = "payments";
    private static final DetectorSettings NO_COOL_DOWN = DetectorSettings.defaults().withCoolDown(Duration.ZERO);
    private static final ByteArrayDeserializer BYTES = new ByteArrayDeserializer();

    private static Map<String, Double> x(double a, double b, double c) {
        return Map.of("a", a, "b", b, "c", c);
    }

    /** A flagged record whose score and alert are {@code chars} long or more, with many attributes. */
    private static FeatureVector large(int chars, String eventId) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            attributes.put("attribute-" + i, "v".repeat(chars / 40));
        }
        return FeatureVector.newBuilder(vector(MODEL, "E".repeat(chars), START, eventId, x(6, 0, 0)))
                .setAttributes(attributes).setContext(Map.of("region", "r".repeat(chars / 10))).build();
    }

    private static RecordHeaders traced() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
                .getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** Key, value and headers of every record on {@code topic}. */
    private static List<TestRecord<byte[], byte[]>> raw(TopologyHarness h, String topic) {
        return h.driver.createOutputTopic(topic, BYTES, BYTES).readRecordsToList();
    }

    @Test
    void aSmallOutputAfterLargeOnesIsTheSameAsAfterSmallOnes() {
        FeatureVector small = vector(MODEL, "s", START, "small", x(0, 3.5, 0)); // warning: a score and an alert
        List<TestRecord<byte[], byte[]>> afterLarge;
        List<TestRecord<byte[], byte[]>> alertsAfterLarge;
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(large(20_000, "medium"), traced()); // grows the kept buffer, carries a header
            h.send(large(300_000, "large"), traced()); // grows past what is kept
            h.send(small);
            afterLarge = raw(h, h.topics.scores());
            alertsAfterLarge = raw(h, h.topics.alerts());
        }
        List<TestRecord<byte[], byte[]>> afterSmall;
        List<TestRecord<byte[], byte[]>> alertsAfterSmall;
        try (TopologyHarness h = new TopologyHarness(NO_COOL_DOWN)) {
            h.publish(TestModels.standardNormal(MODEL, 1, 1.0));
            h.send(vector(MODEL, "f1", START, "filler-1", x(6, 0, 0)));
            h.send(vector(MODEL, "f2", START, "filler-2", x(6, 0, 0)));
            h.send(small); // same offset (2) and input timestamp as above
            afterSmall = raw(h, h.topics.scores());
            alertsAfterSmall = raw(h, h.topics.alerts());
        }
        assertEquals(3, afterLarge.size());
        assertEquals(3, alertsAfterLarge.size());
        assertEquals(20_000, AvroSerde.of(ScoredEvent.class).deserialize("t", afterLarge.get(0).value())
                .getEntity().length(), "the large scores were written whole, not shortened");
        assertEquals(1, afterLarge.get(0).headers().toArray().length, "the traced input's score carries its header");
        assertSameRecord(afterSmall.get(2), afterLarge.get(2));
        assertSameRecord(alertsAfterSmall.get(2), alertsAfterLarge.get(2));

        ScoredEvent score = AvroSerde.of(ScoredEvent.class).deserialize("t", afterLarge.get(2).value());
        assertEquals("s", score.getEntity());
        assertEquals("small", score.getEventId());
        assertEquals(2L, score.getSourceOffset());
        assertEquals(Severity.WARNING, score.getSeverity());
        assertEquals(3, score.getContributionTerms().size());
        Alert alert = AvroSerde.of(Alert.class).deserialize("t", alertsAfterLarge.get(2).value());
        assertEquals("s", alert.getEntity());
        assertEquals(Map.of("k", "v"), alert.getAttributes());
        assertEquals(Map.of(), alert.getContext());
        assertEquals("s", new String(alertsAfterLarge.get(2).key(), StandardCharsets.UTF_8));
    }

    private static void assertSameRecord(TestRecord<byte[], byte[]> expected, TestRecord<byte[], byte[]> actual) {
        assertArrayEquals(expected.key(), actual.key());
        assertArrayEquals(expected.value(), actual.value());
        assertEquals(List.of(), List.of(actual.headers().toArray()), "no header carried over from an earlier record");
        assertNull(actual.headers().lastHeader("traceparent"));
        assertEquals(expected.timestamp(), actual.timestamp());
    }
}
