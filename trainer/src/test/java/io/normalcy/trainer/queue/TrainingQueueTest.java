package io.normalcy.trainer.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void idsSeenElsewhereAndEvictionFollowCapacity() {
        TrainingQueue q = queue(2);
        q.markSeen("old");
        assertEquals(TrainingQueue.Admission.DUPLICATE, q.submit(req("old", "m")));
        q.submit(req("x", "other"));
        q.submit(req("y", "third")); // evicts "old"
        assertEquals(TrainingQueue.Admission.STARTED, q.submit(req("old", "m")));
    }
}
