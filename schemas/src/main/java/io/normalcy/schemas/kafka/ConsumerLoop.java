package io.normalcy.schemas.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background consumer of Normalcy (subscriptions view, alert stream, webhook delivery, retrain listener,
 * the demo's output watcher): a poll loop on its own daemon thread with one lifecycle and one error policy, so
 * each user only says how a session starts and what a record means.
 *
 * <p>Lifecycle ({@link State}): {@code NEW} until {@link #start()} — called by the application lifecycle, never
 * by a constructor, so a bean can be built (and its configuration checked) without touching Kafka. {@link #close()}
 * stops it: {@link Consumer#wakeup()} ends a blocked poll at once, the handler's {@link Handler#onStop} runs (a
 * final commit), the consumer is closed, and the thread is joined for at most the join timeout; close is idempotent.
 *
 * <p>Error policy. A record the handler throws on ({@link Handler#onRecord}) is logged and counted
 * ({@link #recordErrors()}) and the loop goes on with the next record: one bad record never stops a consumer.
 * Any other failure ends the consumer session: the consumer is closed and, after a back-off, a new one is created
 * from the factory and {@link Handler#onStart} runs again (a restart resumes from committed offsets or the
 * handler's own seek). Failures no retry can cure — authentication, authorization, a fenced static member, an
 * unsupported broker version, bad configuration — stop the loop in state {@code FAILED} with {@link #failure()}
 * set, for a health indicator to report; so does an {@link Error} (caught by the thread's uncaught-exception
 * handler, never by the loop). This is micronaut-kafka's consumer state machine reduced to what Normalcy needs,
 * usable outside Micronaut (the demo) and testable with {@code MockConsumer}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ConsumerLoop<K, V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    /** How long a restart waits after a failed session unless set otherwise. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    /** How long {@link #close()} waits for the thread (a consumer's close after wakeup can take seconds). */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Where the loop is. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Polling (or restarting after a retriable failure). */
        RUNNING,
        /** Closed. */
        STOPPED,
        /** Stopped by a failure no restart can cure: see {@link #failure()}. */
        FAILED
    }

    /** What a consumer session does; every method runs on the loop thread. */
    public interface Handler<K, V> {
        /** A fresh consumer, before its first poll: subscribe, or assign and seek. Throwing ends the session. */
        void onStart(Consumer<K, V> consumer);

        /** One record, in poll order. Throwing is logged and counted; the loop continues with the next record. */
        void onRecord(ConsumerRecord<K, V> record);

        /** After the records of each poll (also an empty one): commit, progress, readiness. Throwing ends the session. */
        default void afterPoll(Consumer<K, V> consumer, ConsumerRecords<K, V> records) {
        }

        /** On {@link #close()}, while the consumer still works (e.g. a final commit). */
        default void onStop(Consumer<K, V> consumer) {
        }

        /** After the session's consumer is closed, however the session ended (release what onStart acquired). */
        default void onSessionEnd() {
        }
    }

    private final String name;
    private final Supplier<? extends Consumer<K, V>> consumers;
    private final Handler<K, V> handler;
    private final Duration pollTimeout;
    private Duration backoff = DEFAULT_BACKOFF;
    private Duration joinTimeout = DEFAULT_JOIN_TIMEOUT;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicLong recordErrors = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean running;
    private volatile State state = State.NEW;
    private volatile Throwable failure;
    private volatile Consumer<K, V> consumer;

    /**
     * @param name        thread name, also used in log lines
     * @param consumers   creates the consumer of one session (a new one after each failed session); the loop closes it
     * @param handler     what a session does
     * @param pollTimeout longest poll
     */
    public ConsumerLoop(String name, Supplier<? extends Consumer<K, V>> consumers, Handler<K, V> handler,
                        Duration pollTimeout) {
        this.name = Objects.requireNonNull(name);
        this.consumers = Objects.requireNonNull(consumers);
        this.handler = Objects.requireNonNull(handler);
        this.pollTimeout = Objects.requireNonNull(pollTimeout);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> {
            failure = e;
            state = State.FAILED;
            LOG.error("Consumer loop {} died", name, e);
        });
    }

    /** Wait before a restart after a failed session (before {@link #start()}). */
    public ConsumerLoop<K, V> backoff(Duration backoff) {
        this.backoff = Objects.requireNonNull(backoff);
        return this;
    }

    /** How long {@link #close()} waits for the loop thread (before {@link #start()}). */
    public ConsumerLoop<K, V> joinTimeout(Duration joinTimeout) {
        this.joinTimeout = Objects.requireNonNull(joinTimeout);
        return this;
    }

    /** Starts the loop thread. */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("consumer loop " + name + " is " + state + ", not NEW");
        }
        running = true;
        state = State.RUNNING;
        thread.start();
    }

    public State state() {
        return state;
    }

    /** Started, not closed and not failed. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Why the loop is {@link State#FAILED}; null otherwise. */
    public Throwable failure() {
        return failure;
    }

    /** Records the handler threw on (skipped). */
    public long recordErrors() {
        return recordErrors.get();
    }

    /** Sessions that failed and were restarted. */
    public long restarts() {
        return restarts.get();
    }

    private void run() {
        while (running) {
            RuntimeException error = session();
            if (error == null || !running) {
                break;
            }
            if (isFatal(error)) {
                failure = error;
                state = State.FAILED;
                LOG.error("Consumer loop {} stopped: {}", name, error.toString(), error);
                return;
            }
            restarts.incrementAndGet();
            if (error instanceof RetriableException) { // e.g. a topic not created yet: expected, no stack trace
                LOG.warn("Consumer loop {} failed, restarting in {}: {}", name, backoff, error.toString());
            } else {
                LOG.warn("Consumer loop {} failed, restarting in {}: {}", name, backoff, error.toString(), error);
            }
            try {
                stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break; // close() gave up waiting
            }
        }
        state = State.STOPPED;
    }

    /** One consumer from creation to close; the failure that ended it, or null when stopped by {@link #close()}. */
    private RuntimeException session() {
        Consumer<K, V> c;
        try {
            c = consumers.get();
        } catch (RuntimeException e) {
            return e;
        }
        consumer = c;
        RuntimeException error = null;
        boolean started = false;
        try {
            if (running) {
                handler.onStart(c);
                started = true;
                pollUntilStopped(c);
            }
        } catch (WakeupException | InterruptException e) {
            error = running ? e : null;
        } catch (RuntimeException e) {
            error = e;
        }
        try {
            if (started && error == null && !running) {
                stopSession(c);
            }
        } finally {
            consumer = null;
            Thread.interrupted(); // an interrupt meant "stop": the consumer must still close cleanly
            closeQuietly(c);
            try {
                handler.onSessionEnd();
            } catch (RuntimeException e) {
                LOG.warn("Consumer loop {}: ending the session failed: {}", name, e.toString(), e);
            }
        }
        return running ? error : null;
    }

    private void pollUntilStopped(Consumer<K, V> c) {
        while (running) {
            ConsumerRecords<K, V> records = c.poll(pollTimeout);
            for (ConsumerRecord<K, V> r : records) {
                try {
                    handler.onRecord(r);
                } catch (RuntimeException e) {
                    recordErrors.incrementAndGet();
                    LOG.warn("Consumer loop {} skipped record {}-{}@{}: {}", name, r.topic(), r.partition(),
                            r.offset(), e.toString(), e);
                }
            }
            handler.afterPoll(c, records);
        }
    }

    /**
     * Runs {@link Handler#onStop}. The wakeup of {@link #close()} stays pending when it came after the last poll
     * returned, and then fails the first blocking call of onStop instead; that call is the one to repeat.
     */
    private void stopSession(Consumer<K, V> c) {
        try {
            try {
                handler.onStop(c);
            } catch (WakeupException e) {
                handler.onStop(c);
            }
        } catch (RuntimeException e) {
            LOG.warn("Consumer loop {}: stopping the session failed: {}", name, e.toString(), e);
        }
    }

    private void closeQuietly(Consumer<K, V> c) {
        try {
            c.close(CONSUMER_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("Consumer loop {}: closing the consumer failed: {}", name, e.toString());
        }
    }

    /** Failures that a new consumer session would only repeat. */
    static boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException
                    || t instanceof FencedInstanceIdException || t instanceof InvalidGroupIdException
                    || t instanceof UnsupportedVersionException || t instanceof ConfigException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * Stops the loop: wakes a blocked poll, lets the handler's {@link Handler#onStop} run, closes the consumer and
     * waits up to the join timeout; a thread still busy then (e.g. an admin call to an unreachable cluster in
     * onStart) is interrupted. Idempotent; a loop never started just becomes {@link State#STOPPED}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            running = false;
            if (state == State.NEW) {
                state = State.STOPPED;
                return;
            }
        }
        stopSignal.countDown();
        Consumer<K, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(joinTimeout.toMillis());
            if (thread.isAlive()) {
                LOG.warn("Consumer loop {} still busy after {}; interrupting it", name, joinTimeout);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
