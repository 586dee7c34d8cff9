package io.normalcy.trainer.history;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicWindowReaderTest {
    private static final String TOPIC = "normalcy.features";

    /** MockConsumer lacks offsetsForTimes; this one answers from the records the test put in. */
    private static final class TimedMockConsumer extends MockConsumer<String, String> {
        final List<ConsumerRecord<String, String>> all = new ArrayList<>();

        TimedMockConsumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        void put(int partition, long offset, long ts, String key) {
            ConsumerRecord<String, String> r = new ConsumerRecord<>(TOPIC, partition, offset, ts,
                    TimestampType.CREATE_TIME, 0, 0, key, "v" + offset, new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
            all.add(r);
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> q) {
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            q.forEach((tp, t) -> all.stream()
                    .filter(r -> r.partition() == tp.partition() && r.timestamp() >= t)
                    .findFirst()
                    .ifPresent(r -> out.put(tp, new OffsetAndTimestamp(r.offset(), r.timestamp()))));
            return out;
        }
    }

    private TimedMockConsumer consumer;
    private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
    private final TopicPartition p1 = new TopicPartition(TOPIC, 1);

    @BeforeEach
    void setUp() {
        consumer = new TimedMockConsumer();
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null),
                new PartitionInfo(TOPIC, 1, null, null, null)));
        // partition 0: ts 100..190 (offsets 0..9); partition 1: ts 105..195 (offsets 0..9)
        for (int i = 0; i < 10; i++) {
            consumer.put(0, i, 100 + 10L * i, i % 2 == 0 ? "a" : "b");
            consumer.put(1, i, 105 + 10L * i, "a");
        }
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 10L, p1, 10L));
        // deliver the records on poll, after assign+seek have happened
        consumer.schedulePollTask(() -> consumer.all.forEach(consumer::addRecord));
    }

    private TopicWindowReader<String, String> reader() {
        return new TopicWindowReader<>(consumer, Duration.ofMillis(1), Duration.ofSeconds(5));
    }

    @Test
    void readsOnlyTheWindowFromEveryPartitionAndStops() {
        List<Long> seen = new ArrayList<>();
        TopicWindowReader.Result r = reader().read(TOPIC, 130L, 160L, 1000, rec -> seen.add(rec.timestamp()));
        // p0: 130,140,150 ; p1: 135,145,155
        assertEquals(List.of(130L, 135L, 140L, 145L, 150L, 155L), seen.stream().sorted().toList());
        assertEquals(6, r.accepted());
        assertFalse(r.truncated());
        assertEquals(6L, r.endOffsets().get("normalcy.features-0"));
        assertEquals(6L, r.endOffsets().get("normalcy.features-1"));
    }

    @Test
    void unboundedWindowReadsToTheEndOffsetsCapturedAtStart() {
        consumer.updateEndOffsets(Map.of(p0, 7L, p1, 10L)); // p0 has 3 records beyond its end at start
        List<String> seen = new ArrayList<>();
        TopicWindowReader.Result r = reader().read(TOPIC, null, null, 1000, rec -> seen.add(rec.partition() + ":" + rec.offset()));
        assertEquals(17, seen.size());
        assertFalse(seen.contains("0:7"));
        assertEquals(17, r.offered());
    }

    @Test
    void predicateRejectionsDoNotCountTowardsTheCapAndTheCapStopsReading() {
        TopicWindowReader.Result r = reader().read(TOPIC, null, null, 5, rec -> "a".equals(rec.key()));
        assertEquals(5, r.accepted());
        assertTrue(r.truncated());
        assertTrue(r.offered() >= 5);
    }

    @Test
    void windowAfterAllDataIsEmptyWithoutPolling() {
        TopicWindowReader.Result r = reader().read(TOPIC, 10_000L, null, 1000, rec -> true);
        assertEquals(0, r.offered());
        assertEquals(0, r.accepted());
    }

    @Test
    void missingTopicIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> reader().read("nope", null, null, 10, rec -> true));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }
}
