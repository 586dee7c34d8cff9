package io.normalcy.detector.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.detector.batch.TimeRange.Position;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The range and argument logic of backfill and replay-parked, without Kafka. */
class TimeRangeTest {
    private static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void bothEndsAreInclusiveAndEitherMayBeOpen() {
        TimeRange r = new TimeRange(FROM, TO);
        assertEquals(Position.BEFORE, r.of(FROM.toEpochMilli() - 1));
        assertEquals(Position.IN, r.of(FROM.toEpochMilli()));
        assertEquals(Position.IN, r.of(TO.toEpochMilli()));
        assertEquals(Position.AFTER, r.of(TO.toEpochMilli() + 1));
        assertEquals(Position.IN, new TimeRange(null, TO).of(0));
        assertEquals(Position.IN, new TimeRange(FROM, null).of(Long.MAX_VALUE));
        assertTrue(r.bounded());
        assertFalse(TimeRange.all().bounded());
        assertEquals(Position.IN, new TimeRange(FROM, FROM).of(FROM.toEpochMilli()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimeRange(TO, FROM));
        assertEquals("--from (2026-12-02T00:00:00Z) must not be after --to (2026-12-01T00:00:00Z)", e.getMessage());
    }

    @Test
    void partitionsMustExist() {
        List<TopicPartition> all = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1),
                new TopicPartition("t", 2));
        assertEquals(all, Backfill.selected(all, List.of(), "t"));
        assertEquals(List.of(all.get(0), all.get(2)), Backfill.selected(all, List.of(2, 0), "t"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backfill.selected(all, List.of(1, 3), "t"));
        assertEquals("--partitions: topic 't' has no partition 3 (it has 0..2)", e.getMessage());
    }

    @Test
    void requestsNeedAnInputAndThreeDifferentOutputs() {
        assertThrows(IllegalArgumentException.class, () -> request(null, null, "s", "a", "d"));
        assertEquals("--dlq-topic must name a topic", assertThrows(IllegalArgumentException.class,
                () -> request("in", null, "s", "a", " ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> request("in", null, "s", "a", "s"));
        assertThrows(IllegalArgumentException.class, () -> request("s", null, "s", "a", "d"));
        Backfill.Request file = request("in", Path.of("f.jsonl"), "s", "a", "d");
        assertEquals(TimeRange.all(), file.range());
    }

    @Test
    void theSourceHeaderNamesTheTopic() {
        assertEquals("payments", ReplayParked.sourceTopic("payments-0@17"));
        assertEquals("my-topic.v2", ReplayParked.sourceTopic("my-topic.v2-11@0"));
        assertNull(ReplayParked.sourceTopic("payments@17"));
        assertNull(ReplayParked.sourceTopic("payments-x@17"));
        assertNull(ReplayParked.sourceTopic("payments-1"));
        assertNull(ReplayParked.sourceTopic("-1@2"));
        assertNull(ReplayParked.sourceTopic(null));
    }

    private static Backfill.Request request(String topic, Path file, String scores, String alerts, String dlq) {
        return new Backfill.Request(topic, List.of(), null, file, scores, alerts, dlq, Map.of());
    }
}
