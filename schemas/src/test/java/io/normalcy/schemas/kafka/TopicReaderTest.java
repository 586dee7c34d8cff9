package io.normalcy.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class TopicReaderTest {
    private static final String TOPIC = "t";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** Two partitions: p0 offsets 2..5 (0, 1 compacted away), p1 offsets 0..2. */
    private static MockConsumer<byte[], byte[]> consumer() {
        return consumer(0);
    }

    /** As {@link #consumer()}, with {@code later} more records on p1 written after the end offsets were captured. */
    private static MockConsumer<byte[], byte[]> consumer(int later) {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null),
                new PartitionInfo(TOPIC, 1, null, null, null)));
        c.updateBeginningOffsets(Map.of(P0, 2L, P1, 0L));
        c.updateEndOffsets(Map.of(P0, 6L, P1, 3L));
        c.schedulePollTask(() -> {
            for (long o = 2; o < 6; o++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, o, null, new byte[] {(byte) o}));
            }
            for (long o = 0; o < 3 + later; o++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 1, o, null, new byte[] {(byte) (10 + o)}));
            }
        });
        return c;
    }

    private static List<String> read(MockConsumer<byte[], byte[]> c, TopicReader.Start start,
                                     Map<TopicPartition, Long> reached) {
        List<String> seen = new ArrayList<>();
        reached.putAll(TopicReader.readToEnd(c, TOPIC, start, null, Duration.ofSeconds(10),
                r -> seen.add(r.partition() + "@" + r.offset())));
        seen.sort(null);
        return seen;
    }

    @Test
    void readsEveryPartitionFromTheBeginningToTheEnd() {
        Map<TopicPartition, Long> reached = new HashMap<>();
        assertEquals(List.of("0@2", "0@3", "0@4", "0@5", "1@0", "1@1", "1@2"),
                read(consumer(), TopicReader.fromBeginning(), reached));
        assertEquals(Map.of(P0, 6L, P1, 3L), reached);
    }

    @Test
    void continuesFromPositionsAndReadsTails() {
        Map<TopicPartition, Long> reached = new HashMap<>();
        assertEquals(List.of("0@5", "1@1", "1@2"), read(consumer(), TopicReader.from(Map.of(P0, 5L, P1, 1L)),
                reached));
        assertEquals(List.of("0@4", "0@5", "1@1", "1@2"), read(consumer(), TopicReader.lastN(2), reached));
        assertEquals(List.of("0@2", "0@3", "0@4", "0@5"), read(consumer(), TopicReader.from(Map.of(P0, 0L, P1, 3L)),
                reached), "a position before the beginning starts at the beginning; one at the end reads nothing");
    }

    @Test
    void recordsAfterTheCapturedEndAreNotHandedOver() {
        Map<TopicPartition, Long> reached = new HashMap<>();
        assertEquals(List.of("0@2", "0@3", "0@4", "0@5", "1@0", "1@1", "1@2"),
                read(consumer(2), TopicReader.fromBeginning(), reached));
        assertEquals(Map.of(P0, 6L, P1, 3L), reached, "the next read starts where this one's end was");
    }

    @Test
    void anEndThatIsNeverReachedTimesOutNamingTheTopic() {
        MockConsumer<byte[], byte[]> c = consumer();
        TimeoutException e = assertThrows(TimeoutException.class, () -> TopicReader.readToEnd(c, TOPIC,
                TopicReader.fromBeginning(), tps -> Map.of(P0, 9L, P1, 3L), Duration.ofMillis(500), r -> { }));
        assertTrue(e.getMessage().contains("reading t did not reach its end"), e.getMessage());
    }

    @Test
    void anUnknownTopicReadsNothing() {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        assertEquals(Map.of(), TopicReader.readToEnd(c, "nope", TopicReader.fromBeginning(), null,
                Duration.ofSeconds(1), r -> { throw new AssertionError(); }));
    }
}
