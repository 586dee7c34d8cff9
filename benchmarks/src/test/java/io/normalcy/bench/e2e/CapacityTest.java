package io.normalcy.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The production sizing arithmetic. */
class CapacityTest {

    @Test
    void coresInstancesPartitionsAndBrokerFollowFromTheCostPerRecord() {
        // 50k records per core-second at 50 %: 25k per core -> 1M/s needs 40 cores = 10 instances of 4 threads;
        // partitions >= 2 x 40 = 80 -> 84 (multiple of 12); broker 5 us per record / 0.5 -> 10 cores
        Capacity c = new Capacity(50_000, 5e-6, 0.5, 4);
        Capacity.Plan p = c.plan(1_000_000);
        assertEquals(40, p.detectorCores());
        assertEquals(10, p.instances());
        assertEquals(84, p.partitions());
        assertEquals(10.0, p.brokerCores(), 1e-9);
    }

    @Test
    void partialCoresAndInstancesRoundUp() {
        Capacity.Plan p = new Capacity(30_000, 0, 1.0, 4).plan(100_000);
        assertEquals(4, p.detectorCores()); // 3.33 -> 4
        assertEquals(1, p.instances());
        assertEquals(12, p.partitions()); // 2 x 4 = 8 -> 12
        Capacity.Plan q = new Capacity(30_000, 0, 1.0, 4).plan(130_000);
        assertEquals(5, q.detectorCores());
        assertEquals(2, q.instances()); // 5 threads need a second instance: 8 threads -> 16 -> 24 partitions
        assertEquals(24, q.partitions());
    }

    @Test
    void tableHasARowPerRate() {
        String t = new Capacity(50_000, 5e-6, 0.5, 4).table(List.of(100_000.0, 1_000_000.0));
        assertTrue(t.contains("| 100,000 | 4 | 1 | 12 | 1.0 |"), t);
        assertTrue(t.contains("| 1,000,000 | 40 | 10 | 84 | 10.0 |"), t);
    }

    @Test
    void nonsenseInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Capacity(0, 0, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Capacity(1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Capacity(1, 0, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Capacity(1, -1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Capacity(1, 0, 0.5, 0));
    }
}
