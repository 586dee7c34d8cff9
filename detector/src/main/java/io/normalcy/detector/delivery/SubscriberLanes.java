package io.normalcy.detector.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bounded queue ("lane") per subscriber, each drained by at most one thread at a time: a subscriber's
 * alerts are delivered one after the other, in order, and a slow or dead receiver — with its timeouts and
 * back-off sleeps — only ever holds up its own lane. Threads come from a cached pool: one per lane that has work,
 * none for idle lanes. A full lane refuses the job ({@link Overflow}): the caller dead-letters it instead of
 * letting one dead receiver buffer alerts without limit.
 *
 * @param <J> a job
 */
final class SubscriberLanes<J> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberLanes.class);

    /** Runs one job on the lane's thread; interruption means shutdown. */
    @FunctionalInterface
    interface Handler<J> {
        void handle(J job) throws InterruptedException;
    }

    /** Called (on the submitting thread) with a job its lane had no room for. */
    @FunctionalInterface
    interface Overflow<J> {
        void overflow(String lane, J job, int queued);
    }

    private final class Lane implements Runnable {
        final String name;
        final ArrayDeque<J> queue = new ArrayDeque<>();
        boolean scheduled; // guarded by SubscriberLanes.this

        Lane(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            while (true) {
                J job;
                synchronized (SubscriberLanes.this) {
                    job = queue.poll();
                    if (job == null || closed || Thread.currentThread().isInterrupted()) {
                        scheduled = false;
                        return;
                    }
                }
                try {
                    handler.handle(job);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    synchronized (SubscriberLanes.this) {
                        scheduled = false;
                    }
                    return;
                } catch (RuntimeException e) {
                    // the handler reports its own failures; this is a bug, but must not kill the lane
                    LOG.error("Webhook lane {} failed on a job", name, e);
                }
            }
        }
    }

    private final int capacity;
    private final Handler<J> handler;
    private final Overflow<J> overflow;
    private final ExecutorService threads;
    private final Map<String, Lane> lanes = new HashMap<>(); // guarded by this
    private boolean closed;

    /** @param capacity jobs a lane may hold, the one in progress excluded */
    SubscriberLanes(int capacity, Handler<J> handler, Overflow<J> overflow) {
        this.capacity = capacity;
        this.handler = handler;
        this.overflow = overflow;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-lane-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code job} on {@code lane}; false (after {@link Overflow}) when the lane is full or closed. */
    boolean submit(String lane, J job) {
        int queued;
        synchronized (this) {
            Lane l = lanes.computeIfAbsent(lane, Lane::new);
            queued = l.queue.size();
            if (!closed && queued < capacity) {
                l.queue.add(job);
                if (!l.scheduled) {
                    l.scheduled = true;
                    threads.execute(l);
                }
                return true;
            }
        }
        overflow.overflow(lane, job, queued);
        return false;
    }

    /** Jobs waiting in {@code lane} (the one in progress excluded). */
    synchronized int queued(String lane) {
        Lane l = lanes.get(lane);
        return l == null ? 0 : l.queue.size();
    }

    /** Drops queued jobs and interrupts the running ones (without waiting; see {@link #awaitTermination}). */
    void shutdown() {
        synchronized (this) {
            closed = true;
            lanes.values().forEach(l -> l.queue.clear());
        }
        threads.shutdownNow();
    }

    /** After {@link #shutdown()}: waits up to {@code millis} for running jobs to return; false on timeout. */
    boolean awaitTermination(long millis) throws InterruptedException {
        return threads.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        shutdown();
        if (!awaitTermination(5_000)) {
            LOG.warn("Webhook lanes still busy after 5 s");
        }
    }
}
