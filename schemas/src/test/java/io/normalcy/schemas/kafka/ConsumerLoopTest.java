package io.normalcy.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class ConsumerLoopTest {
    private static final String TOPIC = "t";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    /** Records what the loop did, assigns p0 from offset 0 on start. */
    private static final class Recorder implements ConsumerLoop.Handler<String, String> {
        final List<String> values = new CopyOnWriteArrayList<>();
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger polls = new AtomicInteger();

        @Override
        public void onStart(Consumer<String, String> consumer) {
            events.add("start");
            consumer.assign(List.of(P0));
        }

        @Override
        public void onRecord(ConsumerRecord<String, String> record) {
            if (record.value().startsWith("bad")) {
                throw new IllegalArgumentException("cannot handle " + record.value());
            }
            values.add(record.value());
        }

        @Override
        public void afterPoll(Consumer<String, String> consumer, ConsumerRecords<String, String> records) {
            polls.incrementAndGet();
        }

        @Override
        public void onStop(Consumer<String, String> consumer) {
            events.add("stop");
            consumer.commitSync(); // a blocking call: must not be failed by the close()'s pending wakeup
            events.add("committed");
        }

        @Override
        public void onSessionEnd() {
            events.add("end");
        }
    }

    private static MockConsumer<String, String> consumer(String... values) {
        MockConsumer<String, String> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updateBeginningOffsets(Map.of(P0, 0L));
        c.schedulePollTask(() -> {
            for (int i = 0; i < values.length; i++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, i, "k" + i, values[i]));
            }
        });
        return c;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void deliversRecordsInOrderAndSkipsTheOnesTheHandlerThrowsOn() throws InterruptedException {
        MockConsumer<String, String> c = consumer("a", "bad-1", "b", "c", "bad-2", "d");
        Recorder h = new Recorder();
        ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", () -> c, h, Duration.ofMillis(20));
        assertEquals(ConsumerLoop.State.NEW, loop.state());
        assertTrue(h.events.isEmpty(), "nothing happens before start()");
        loop.start();
        assertEquals(ConsumerLoop.State.RUNNING, loop.state());
        await(() -> h.values.size() == 4, "the good records");
        assertEquals(List.of("a", "b", "c", "d"), h.values);
        assertEquals(2, loop.recordErrors());
        assertEquals(ConsumerLoop.State.RUNNING, loop.state(), "handler errors do not stop the loop");
        int polls = h.polls.get();
        await(() -> h.polls.get() > polls + 2, "more polls after the errors");
        loop.close();
        assertEquals(ConsumerLoop.State.STOPPED, loop.state());
        assertEquals(List.of("start", "stop", "committed", "end"), h.events);
        assertTrue(c.closed(), "consumer closed");
        assertEquals(0, loop.restarts());
    }

    @Test
    void closeWakesABlockedPollAndJoins() throws InterruptedException {
        BlockingConsumer c = new BlockingConsumer();
        Recorder h = new Recorder();
        ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", () -> c, h, Duration.ofMinutes(10))
                .joinTimeout(Duration.ofMinutes(1));
        loop.start();
        c.awaitPolling();
        loop.close();
        // stopped when close() returns: wakeup() ended the 10-minute poll (without it, close would give up after
        // the join timeout and return with the thread still polling)
        assertEquals(ConsumerLoop.State.STOPPED, loop.state());
        assertTrue(c.wokenUp(), "the poll ended with a WakeupException");
        assertEquals(List.of("start", "stop", "committed", "end"), h.events);
        assertTrue(c.closed(), "consumer closed");
        loop.close(); // idempotent
        assertEquals(ConsumerLoop.State.STOPPED, loop.state());
    }

    @Test
    void fatalConsumerErrorStopsTheLoopAsFailed() throws InterruptedException {
        MockConsumer<String, String> c = consumer("a");
        Recorder h = new Recorder();
        ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", () -> c, h, Duration.ofMillis(20));
        loop.start();
        await(() -> h.values.size() == 1, "the first record");
        c.setPollException(new TopicAuthorizationException(Set.of(TOPIC)));
        await(() -> loop.state() == ConsumerLoop.State.FAILED, "FAILED");
        assertInstanceOf(TopicAuthorizationException.class, loop.failure());
        assertFalse(loop.isRunning());
        assertTrue(c.closed(), "consumer closed");
        assertEquals(List.of("start", "end"), h.events, "no onStop: the session failed");
        loop.close();
        assertEquals(ConsumerLoop.State.FAILED, loop.state(), "close keeps the failure visible");
    }

    @Test
    void retriableConsumerErrorRestartsWithANewConsumer() throws InterruptedException {
        MockConsumer<String, String> first = consumer("a");
        MockConsumer<String, String> second = consumer("a", "b");
        List<MockConsumer<String, String>> made = new CopyOnWriteArrayList<>();
        Recorder h = new Recorder();
        ConsumerLoop<String, String> loop = new ConsumerLoop<String, String>("test", () -> {
            MockConsumer<String, String> c = made.isEmpty() ? first : second;
            made.add(c);
            return c;
        }, h, Duration.ofMillis(20)).backoff(Duration.ofMillis(10));
        loop.start();
        await(() -> h.values.size() == 1, "the first record");
        first.setPollException(new KafkaException("connection lost"));
        await(() -> h.values.size() == 3, "the records of the second session");
        assertEquals(List.of("a", "a", "b"), h.values, "the new session starts where onStart seeks");
        assertEquals(1, loop.restarts());
        assertTrue(first.closed());
        assertEquals(ConsumerLoop.State.RUNNING, loop.state());
        loop.close();
        assertEquals(List.of("start", "end", "start", "stop", "committed", "end"), h.events);
        assertNull(loop.failure());
    }

    @Test
    void neverStartedLoopClosesWithoutAConsumerAndCannotStartAfterwards() {
        AtomicInteger made = new AtomicInteger();
        ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", () -> {
            made.incrementAndGet();
            return consumer();
        }, new Recorder(), Duration.ofMillis(20));
        loop.close();
        loop.close();
        assertEquals(ConsumerLoop.State.STOPPED, loop.state());
        assertEquals(0, made.get());
        assertThrows(IllegalStateException.class, loop::start);
    }

    @Test
    void fatalErrorsAreTheOnesNoRestartCures() {
        assertTrue(ConsumerLoop.isFatal(new TopicAuthorizationException(Set.of(TOPIC))));
        assertTrue(ConsumerLoop.isFatal(new KafkaException("wrapped",
                new org.apache.kafka.common.errors.FencedInstanceIdException("fenced"))));
        assertFalse(ConsumerLoop.isFatal(new KafkaException("connection lost")));
        assertFalse(ConsumerLoop.isFatal(new IllegalStateException("bug")));
    }

    /** A MockConsumer whose poll really blocks until woken up, like KafkaConsumer's. */
    private static final class BlockingConsumer extends MockConsumer<String, String> {
        private final java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean wokenUp;

        BlockingConsumer() {
            super(OffsetResetStrategy.EARLIEST);
            updateBeginningOffsets(Map.of(P0, 0L));
        }

        void awaitPolling() throws InterruptedException {
            polling.await();
        }

        boolean wokenUp() {
            return wokenUp;
        }

        /** Not synchronized (MockConsumer's poll is): wakeup() must get in while this blocks. */
        @Override
        public ConsumerRecords<String, String> poll(Duration timeout) {
            polling.countDown();
            try {
                woken.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                return super.poll(Duration.ZERO);
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                wokenUp = true;
                throw e;
            }
        }

        @Override
        public void wakeup() {
            super.wakeup();
            woken.countDown();
        }
    }
}
