package io.normalcy.detector.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.serde.NormalcySerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** The subscriptions view on its {@link ConsumerLoop}, fed by a MockConsumer (the real broker: SubscriptionsApiIT). */
class SubscriptionViewTest {
    private static final String TOPIC = "subs";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private static byte[] subscription(String id, String entityPattern) {
        AlertSubscription s = AlertSubscription.newBuilder().setSubscriberId(id)
                .setFilter(SubscriptionFilter.newBuilder().setModels(List.of()).setMinSeverity(Severity.WARNING)
                        .setEntityPattern(entityPattern).setContextMatch(Map.of()).build())
                .setDelivery(SubscriptionDelivery.newBuilder().setKafkaTopic("out").build())
                .setEnabled(true).setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
        return NormalcySerdes.alertSubscription().serialize(TOPIC, s);
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(TOPIC, partition, offset, key, value);
    }

    /** Two partitions with the given end offsets; {@code records} arrive at the first poll. */
    private static MockConsumer<String, byte[]> consumer(long end0, long end1, List<ConsumerRecord<String, byte[]>> records) {
        MockConsumer<String, byte[]> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null),
                new PartitionInfo(TOPIC, 1, null, null, null)));
        c.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        c.updateEndOffsets(Map.of(P0, end0, P1, end1));
        c.schedulePollTask(() -> records.forEach(c::addRecord));
        return c;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void readsTheTopicFromTheBeginningAndIsReadyAtItsEnd() throws InterruptedException {
        MockConsumer<String, byte[]> c = consumer(4, 2, List.of(
                record(0, 0, "a", subscription("a", null)),
                record(0, 1, "b", subscription("b", null)),
                record(0, 2, "a", null), // a deleted
                record(0, 3, "x", subscription("other", null)), // key differs from subscriberId: ignored
                record(1, 0, "c", subscription("c", "[")), // invalid RE2: kept, matches nothing
                record(1, 1, "d", "not avro".getBytes(StandardCharsets.UTF_8))));
        AtomicInteger made = new AtomicInteger();
        AtomicInteger ensured = new AtomicInteger();
        SubscriptionView view = new SubscriptionView(TOPIC, () -> {
            made.incrementAndGet();
            return c;
        }, ensured::incrementAndGet);
        assertEquals(0, made.get(), "the constructor does not start the consumer");
        assertEquals(ConsumerLoop.State.NEW, view.loop().state());
        assertFalse(view.isReady());
        view.onApplicationEvent(null);
        try {
            assertTrue(view.awaitReady(Duration.ofSeconds(20)), "ready");
            assertEquals(1, made.get());
            assertEquals(1, ensured.get(), "the topic is ensured before reading");
            assertNull(view.get("a"), "deleted by the tombstone");
            assertNotNull(view.get("b"));
            assertNotNull(view.get("c"), "unusable pattern: kept");
            assertNull(view.get("other"));
            assertNull(view.get("d"));
            assertEquals(Set.of("b", "c"), Set.copyOf(view.all().stream().map(AlertSubscription::getSubscriberId)
                    .toList()));
            assertTrue(view.awaitApplied(0, 3, Duration.ofSeconds(10)));
            assertTrue(view.awaitApplied(1, 1, Duration.ofSeconds(10)));
            assertEquals(0, view.loop().recordErrors(), "bad records are the view's to judge, not errors");
        } finally {
            view.close();
        }
        assertEquals(ConsumerLoop.State.STOPPED, view.loop().state());
        assertTrue(c.closed());
    }

    @Test
    void isNotReadyBeforeTheEndOffsetsOfTheStartAreReached() throws InterruptedException {
        MockConsumer<String, byte[]> c = consumer(3, 0, List.of(
                record(0, 0, "a", subscription("a", null)),
                record(0, 1, "b", subscription("b", null))));
        SubscriptionView view = new SubscriptionView(TOPIC, () -> c, () -> { });
        view.onApplicationEvent(null);
        try {
            assertTrue(view.awaitApplied(0, 1, Duration.ofSeconds(20)), "first two records applied");
            assertFalse(view.isReady(), "offset 2 not read yet");
            assertFalse(view.awaitApplied(0, 2, Duration.ofMillis(100)));
            c.addRecord(record(0, 2, "c", subscription("c", null)));
            assertTrue(view.awaitReady(Duration.ofSeconds(20)));
            assertNotNull(view.get("c"));
        } finally {
            view.close();
        }
    }

    @Test
    void aFailedSessionIsRestartedAndReadsTheTopicAgain() throws InterruptedException {
        MockConsumer<String, byte[]> first = consumer(1, 0, List.of(record(0, 0, "a", subscription("a", null))));
        MockConsumer<String, byte[]> second = consumer(2, 0, List.of(
                record(0, 0, "a", subscription("a", null)),
                record(0, 1, "b", subscription("b", null))));
        List<MockConsumer<String, byte[]>> made = new CopyOnWriteArrayList<>();
        SubscriptionView view = new SubscriptionView(TOPIC, () -> {
            MockConsumer<String, byte[]> c = made.isEmpty() ? first : second;
            made.add(c);
            return c;
        }, () -> { });
        view.onApplicationEvent(null);
        try {
            assertTrue(view.awaitReady(Duration.ofSeconds(20)));
            first.setPollException(new KafkaException("broker gone"));
            await(() -> view.get("b") != null, "b read by the second session");
            assertNotNull(view.get("a"));
            assertEquals(1, view.loop().restarts());
            assertTrue(first.closed());
            assertTrue(view.isReady(), "stays ready across restarts");
        } finally {
            view.close();
        }
    }

    @Test
    void notAuthorizedStopsTheViewAsFailed() throws InterruptedException {
        MockConsumer<String, byte[]> c = consumer(1, 0, List.of());
        c.setPollException(new TopicAuthorizationException(Set.of(TOPIC)));
        SubscriptionView view = new SubscriptionView(TOPIC, () -> c, () -> { });
        view.onApplicationEvent(null);
        try {
            await(() -> view.loop().state() == ConsumerLoop.State.FAILED, "FAILED");
            assertInstanceOf(TopicAuthorizationException.class, view.loop().failure());
            assertFalse(view.isReady());
        } finally {
            view.close();
        }
    }
}
