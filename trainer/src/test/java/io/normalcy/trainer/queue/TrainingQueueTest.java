package io.normalcy.trainer.queue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingQueueTest {
    /** Executor that runs tasks only when the test says so, so interleavings are deterministic. */
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final List<TrainingTask> ran = new ArrayList<>();

    private TrainingQueue queue(int capacity) {
        return new TrainingQueue(tasks::add, ran::add, capacity);
    }

    private static TrainingRequest req(String id, String model) {
        return new TrainingRequest(id, model, "test", null, null, Map.of("epochs", id), 0);
    }

    @Test
    void duplicateIdsAreIgnored() {
        TrainingQueue q = queue(100);
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("r1", "m")));
        assertEquals(TrainingQueue.Admission.DUPLICATE, q.submit(req("r1", "m")));
        tasks.poll().run();
        assertEquals(TrainingQueue.Admission.DUPLICATE, q.submit(req("r1", "m")));
        assertEquals(1, ran.size());
    }

    @Test
    void requestsDuringATrainingCoalesceIntoOneFollowUpUsingTheLatestRequest() {
        TrainingQueue q = queue(100);
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("r1", "m")));
        assertEquals(TrainingQueue.Admission.QUEUED, q.submit(req("r2", "m")));
        assertEquals(TrainingQueue.Admission.COALESCED, q.submit(req("r3", "m")));
        assertEquals(TrainingQueue.Admission.COALESCED, q.submit(req("r4", "m")));
        assertEquals(1, tasks.size(), "one model, one worker task");
        tasks.poll().run(); // runs r1, then the coalesced follow-up in the same task
        assertEquals(2, ran.size());
        assertEquals(List.of("r1"), ran.get(0).requestIds());
        assertEquals(List.of("r2", "r3", "r4"), ran.get(1).requestIds());
        assertEquals("r4", ran.get(1).request().requestId());
        assertTrue(q.isIdle());
    }

    @Test
    void differentModelsRunIndependently() {
        TrainingQueue q = queue(100);
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("a1", "a")));
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("b1", "b")));
        assertEquals(2, tasks.size());
        tasks.forEach(Runnable::run);
        assertEquals(2, ran.size());
    }

    @Test
    void afterAModelIsIdleANewRequestStartsAgain() {
        TrainingQueue q = queue(100);
        q.submit(req("r1", "m"));
        tasks.poll().run();
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("r2", "m")));
    }

    @Test
    void aThrowingRunnerDoesNotWedgeTheModel() {
        List<String> calls = new ArrayList<>();
        TrainingQueue q = new TrainingQueue(tasks::add, j -> {
            calls.add(j.request().requestId());
            throw new IllegalStateException("boom");
        }, 100);
        q.submit(req("r1", "m"));
        q.submit(req("r2", "m"));
        tasks.poll().run();
        assertEquals(List.of("r1", "r2"), calls);
        assertTrue(q.isIdle());
    }

    @Test
    void anErrorEndsTheWorkerButFreesTheModelsSlot() {
        List<String> calls = new ArrayList<>();
        TrainingQueue q = new TrainingQueue(tasks::add, j -> {
            calls.add(j.request().requestId());
            if (j.request().requestId().equals("r1")) {
                throw new OutOfMemoryError("simulated");
            }
        }, 100);
        q.submit(req("r1", "m"));
        assertThrows(OutOfMemoryError.class, () -> tasks.poll().run());
        assertTrue(q.isIdle(), "the slot is free again");
        q.submit(req("r2", "m"));
        tasks.poll().run();
        assertEquals(List.of("r1", "r2"), calls, "the next request of the model runs");
    }

    @Test
    void idsSeenElsewhereAndEvictionFollowCapacity() {
        TrainingQueue q = queue(2);
        q.markSeen("old");
        assertEquals(TrainingQueue.Admission.DUPLICATE, q.submit(req("old", "m")));
        q.submit(req("x", "other"));
        q.submit(req("y", "third")); // evicts "old"
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("old", "m")));
    }

    @Test
    void afterShutdownNothingStartsAndNewRequestsAreOnlyRecorded() throws Exception {
        TrainingQueue q = queue(100);
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("r1", "m")));
        assertEquals(TrainingQueue.Admission.QUEUED, q.submit(req("r2", "m")));
        assertTrue(q.shutdown(Duration.ZERO), "nothing was running yet");
        assertTrue(q.isClosed());
        tasks.poll().run(); // scheduled before the shutdown: must not train any more
        assertEquals(List.of(), ran);
        List<TrainingQueue.Admission> admitted = new ArrayList<>();
        assertEquals(TrainingQueue.Admission.QUEUED, q.submit(req("r3", "other"), admitted::add));
        assertEquals(List.of(TrainingQueue.Admission.QUEUED), admitted, "recorded with a QUEUED status");
        assertTrue(tasks.isEmpty(), "not scheduled");
        assertEquals(TrainingQueue.Admission.DUPLICATE, q.submit(req("r3", "other")));
    }

    @Test
    void shutdownInterruptsTheRunningTrainingAndDropsTheWaitingOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<String> outcome = new CopyOnWriteArrayList<>();
        TrainingQueue q = new TrainingQueue(r -> new Thread(r).start(), job -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // a training that only ends when interrupted
                outcome.add(job.request().requestId() + " finished");
            } catch (InterruptedException e) {
                outcome.add(job.request().requestId() + " interrupted");
            }
        }, 100);
        q.submit(req("r1", "m"));
        assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(TrainingQueue.Admission.QUEUED, q.submit(req("r2", "m")));
        assertTrue(q.shutdown(Duration.ofSeconds(10)), "the interrupted training ended");
        assertEquals(List.of("r1 interrupted"), outcome, "r2 is not started: it stays QUEUED for the restart");
    }
}
