package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Per-subscriber lanes: a blocked subscriber holds up nobody else, order per lane, bounded queues. */
class SubscriberLanesTest {

    record Job(String lane, int n) {
    }

    private final List<Job> done = new CopyOnWriteArrayList<>();
    private final List<String> overflows = new CopyOnWriteArrayList<>();
    private final CountDownLatch deadStarted = new CountDownLatch(1);
    private final CountDownLatch releaseDead = new CountDownLatch(1);

    private SubscriberLanes<Job> lanes(int capacity) {
        return new SubscriberLanes<>(capacity, job -> {
            if (job.lane().equals("dead")) {
                deadStarted.countDown();
                releaseDead.await(); // a receiver that never answers (until the test lets it)
            }
            done.add(job);
        }, (lane, job, queued) -> overflows.add(lane + "#" + job.n() + " behind " + queued));
    }

    private static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aBlockedSubscriberDelaysNobodyElseAndEachLaneKeepsItsOrder() throws Exception {
        try (SubscriberLanes<Job> lanes = lanes(100)) {
            assertTrue(lanes.submit("dead", new Job("dead", 0)));
            assertTrue(deadStarted.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 50; i++) {
                lanes.submit("good", new Job("good", i));
                lanes.submit("dead", new Job("dead", i + 1));
            }
            waitFor(() -> done.size() == 50, "every alert of the good subscriber");
            assertEquals(0, done.stream().filter(j -> j.lane().equals("dead")).count(), "the dead one is stuck");
            List<Integer> order = new ArrayList<>();
            done.forEach(j -> order.add(j.n()));
            assertEquals(java.util.stream.IntStream.range(0, 50).boxed().toList(), order);
            assertEquals(50, lanes.queued("dead"));

            releaseDead.countDown();
            waitFor(() -> done.size() == 101, "the dead subscriber's backlog after it recovers");
            assertEquals(java.util.stream.IntStream.range(0, 51).boxed().toList(), done.stream()
                    .filter(j -> j.lane().equals("dead")).map(Job::n).toList());
        }
    }

    @Test
    void aFullLaneRefusesInsteadOfBuffering() throws Exception {
        try (SubscriberLanes<Job> lanes = lanes(2)) {
            lanes.submit("dead", new Job("dead", 1));
            assertTrue(deadStarted.await(30, TimeUnit.SECONDS)); // in progress: not counted against the queue
            assertTrue(lanes.submit("dead", new Job("dead", 2)));
            assertTrue(lanes.submit("dead", new Job("dead", 3)));
            assertFalse(lanes.submit("dead", new Job("dead", 4)));
            assertTrue(lanes.submit("good", new Job("good", 1)), "other lanes have their own room");
            assertEquals(List.of("dead#4 behind 2"), overflows);
            waitFor(() -> done.contains(new Job("good", 1)), "the good subscriber");
        }
    }

    @Test
    void shutdownInterruptsBlockedJobsAndDropsTheQueues() throws Exception {
        SubscriberLanes<Job> lanes = lanes(10);
        lanes.submit("dead", new Job("dead", 1));
        lanes.submit("dead", new Job("dead", 2));
        assertTrue(deadStarted.await(30, TimeUnit.SECONDS));
        lanes.shutdown();
        assertTrue(lanes.awaitTermination(30_000), "the blocked job was interrupted");
        assertEquals(List.of(), done);
        assertFalse(lanes.submit("good", new Job("good", 1)), "closed");
    }
}
