package io.normalcy.trainer.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Admission of retrain requests: drops duplicate request ids (Kafka delivers at least once, clients retry),
 * runs at most one training per model at a time, and coalesces every request that arrives while a model is
 * busy into a single follow-up training — ten "retrain now" messages during a training cause one more training,
 * not ten. The follow-up uses the most recent request's window and overrides and answers all coalesced ids.
 * Different models train in parallel up to the executor's capacity. Thread-safe.
 *
 * <p>{@link #shutdown} stops it for good: running trainings are interrupted, waiting ones dropped, and requests
 * admitted afterwards are only recorded (admitted QUEUED, never scheduled). Their QUEUED/RUNNING statuses stay
 * in the status journal and the next start of this trainer resumes them.
 */
public final class TrainingQueue {
    /** What happened to a submitted request. */
    public enum Admission {
        /** a training starts for it now (or as soon as the executor has a thread) */
        STARTED,
        /** the model is training; this request waits for the next training of the model */
        QUEUED,
        /** merged into an already waiting training of the same model */
        COALESCED,
        /** this request id was seen before; ignored */
        DUPLICATE
    }

    private static final class Slot {
        boolean running;
        TrainingRequest pendingRequest;
        List<String> pendingIds;
    }

    private final Executor executor;
    private final Consumer<TrainingTask> runner;
    private final Map<String, Slot> slots = new HashMap<>();
    /** Thread running each busy model's training, to interrupt at shutdown. */
    private final Map<String, Thread> workers = new HashMap<>();
    private final LinkedHashMap<String, Boolean> recentIds;
    private boolean closed;

    /**
     * @param runner         runs one job to completion and must not throw (it reports failures itself)
     * @param recentCapacity how many request ids to remember for duplicate detection
     */
    public TrainingQueue(Executor executor, Consumer<TrainingTask> runner, int recentCapacity) {
        this.executor = executor;
        this.runner = runner;
        this.recentIds = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > recentCapacity;
            }
        };
    }

    /** Remembers an id handled elsewhere (e.g. seen in training-status at start-up) so it is not trained again. */
    public synchronized void markSeen(String requestId) {
        recentIds.put(requestId, Boolean.TRUE);
    }

    public synchronized boolean seen(String requestId) {
        return recentIds.containsKey(requestId);
    }

    public Admission submit(TrainingRequest request) {
        return submit(request, a -> { });
    }

    /**
     * @param onAdmit called with the admission before the training is scheduled (so a QUEUED status can be
     *                published before the training's RUNNING); not called for duplicates
     */
    public Admission submit(TrainingRequest request, Consumer<Admission> onAdmit) {
        TrainingTask start;
        synchronized (this) {
            if (recentIds.containsKey(request.requestId())) {
                return Admission.DUPLICATE;
            }
            recentIds.put(request.requestId(), Boolean.TRUE);
            if (closed) {
                onAdmit.accept(Admission.QUEUED); // recorded, runs after the restart
                return Admission.QUEUED;
            }
            Slot slot = slots.computeIfAbsent(request.model(), m -> new Slot());
            if (slot.pendingRequest != null) {
                slot.pendingRequest = request;
                slot.pendingIds.add(request.requestId());
                onAdmit.accept(Admission.COALESCED);
                return Admission.COALESCED;
            }
            if (slot.running) {
                slot.pendingRequest = request;
                slot.pendingIds = new ArrayList<>(List.of(request.requestId()));
                onAdmit.accept(Admission.QUEUED);
                return Admission.QUEUED;
            }
            slot.running = true;
            start = new TrainingTask(request.model(), request, List.of(request.requestId()));
            onAdmit.accept(Admission.STARTED);
        }
        schedule(start);
        return Admission.STARTED;
    }

    /** Number of models with a training running or waiting (for health and tests). */
    public synchronized int busyModels() {
        return (int) slots.values().stream().filter(s -> s.running).count();
    }

    public synchronized boolean isIdle() {
        return busyModels() == 0;
    }

    /** True after {@link #shutdown}: admitted requests are only recorded. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Stops admitting work, drops the waiting follow-ups, interrupts the running trainings and waits up to
     * {@code wait} for them to end (a child JVM notices at its next epoch, an in-process fit at its next epoch).
     *
     * @return whether every training ended within {@code wait}
     */
    public boolean shutdown(Duration wait) throws InterruptedException {
        List<Thread> running;
        synchronized (this) {
            closed = true;
            for (Slot s : slots.values()) {
                s.pendingRequest = null;
                s.pendingIds = null;
            }
            running = new ArrayList<>(workers.values());
        }
        running.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            long left;
            while (!workers.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                wait(Math.max(1, left / 1_000_000));
            }
            return workers.isEmpty();
        }
    }

    private void schedule(TrainingTask job) {
        executor.execute(() -> runLoop(job));
    }

    private void runLoop(TrainingTask first) {
        TrainingTask job = first;
        while (job != null) {
            synchronized (this) {
                if (closed) { // scheduled before the shutdown, not started: stays QUEUED for the restart
                    slots.get(job.model()).running = false;
                    return;
                }
                workers.put(job.model(), Thread.currentThread());
            }
            boolean returned = false;
            try {
                runner.accept(job);
                returned = true;
            } catch (RuntimeException e) {
                // the runner reports its own failures; never let one kill the model's slot
                org.slf4j.LoggerFactory.getLogger(TrainingQueue.class).error("training of {} threw", job.model(), e);
                returned = true;
            } finally {
                if (!returned) { // an Error (it was reported FAILED) ends this worker: free the slot for the next one
                    synchronized (this) {
                        workers.remove(job.model());
                        slots.get(job.model()).running = false;
                        notifyAll();
                    }
                }
            }
            synchronized (this) {
                workers.remove(job.model());
                notifyAll();
                Slot slot = slots.get(job.model());
                if (slot.pendingRequest != null && !closed) {
                    job = new TrainingTask(job.model(), slot.pendingRequest, slot.pendingIds);
                    slot.pendingRequest = null;
                    slot.pendingIds = null;
                } else {
                    slot.running = false;
                    job = null;
                }
            }
        }
    }
}
