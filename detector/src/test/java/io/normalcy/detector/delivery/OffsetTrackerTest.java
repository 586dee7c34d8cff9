package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The commit rule of out-of-order delivery: never past a record some subscriber has not finished. */
class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("alerts", 0);
    private static final TopicPartition P1 = new TopicPartition("alerts", 1);

    private static Map<TopicPartition, OffsetAndMetadata> commit(OffsetTracker t) {
        Map<TopicPartition, OffsetAndMetadata> c = t.committable();
        t.committed(c);
        return c;
    }

    @Test
    void commitsUpToTheFirstUnfinishedRecord() {
        OffsetTracker t = new OffsetTracker();
        OffsetTracker.Ticket a = t.open(P0, 5, 2);  // two subscribers
        OffsetTracker.Ticket b = t.open(P0, 7, 1);
        t.handedOut(P0, 10);                         // 8 and 9 had no subscribers
        assertEquals(Map.of(P0, new OffsetAndMetadata(5)), commit(t));
        b.done();                                    // a later record finishing first changes nothing
        a.done();                                    // one of two subscribers
        assertEquals(Map.of(), commit(t), "5 is still open and already committed");
        a.done();
        assertEquals(Map.of(P0, new OffsetAndMetadata(10)), commit(t));
        assertEquals(Map.of(), commit(t), "nothing new");
        assertEquals(0, t.open());
    }

    @Test
    void partitionsAreIndependent() {
        OffsetTracker t = new OffsetTracker();
        OffsetTracker.Ticket stuck = t.open(P0, 0, 1);
        t.handedOut(P0, 3);
        t.handedOut(P1, 42);
        assertEquals(Map.of(P0, new OffsetAndMetadata(0), P1, new OffsetAndMetadata(42)), commit(t));
        stuck.done();
        assertEquals(Map.of(P0, new OffsetAndMetadata(3)), commit(t));
    }

    @Test
    void revokedPartitionsAreForgottenAndTheirTicketsVoid() {
        OffsetTracker t = new OffsetTracker();
        OffsetTracker.Ticket old = t.open(P0, 4, 1);
        t.handedOut(P0, 5);
        t.revoke(List.of(P0));
        assertTrue(old.revoked());
        old.done(); // a lane finishing late must not resurrect the partition
        assertEquals(Map.of(), t.committable());
        OffsetTracker.Ticket fresh = t.open(P0, 4, 1); // reassigned: redelivered from the committed offset
        t.handedOut(P0, 5);
        assertEquals(Map.of(P0, new OffsetAndMetadata(4)), commit(t));
        fresh.done();
        assertEquals(Map.of(P0, new OffsetAndMetadata(5)), commit(t));
    }
}
