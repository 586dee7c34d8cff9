package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.status.StatusReporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retrain listener on {@link ConsumerLoop}: requests admitted, then committed; started by start(), not built. */
class RetrainListenerTest {
    private static final String TOPIC = "normalcy.retrain";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private static byte[] request(String id) {
        RetrainRequest r = RetrainRequest.newBuilder().setRequestId(id).setModel("m-" + id).setReason("test")
                .setRequestedAt(Instant.now()).setWindowStart(null).setWindowEnd(null).setOverrides(Map.of()).build();
        return NormalcySerdes.retrainRequest().serializer().serialize(TOPIC, r);
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
    void admitsEachDecodableRequestThenCommitsAndSkipsUndecodableOnes() throws InterruptedException {
        MockProducer<String, TrainingStatus> producer = new MockProducer<>(true, new StringSerializer(),
                (Serializer<TrainingStatus>) (t, s) -> new byte[0]);
        List<Runnable> scheduled = new ArrayList<>();
        RetrainIntake intake = new RetrainIntake(new TrainingQueue(scheduled::add, t -> { }, 100),
                new StatusReporter(producer, "status", "trainer-a"));
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "a", request("r1")));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "b", "not avro".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "c", request("r2")));
        });
        RetrainListener listener = new RetrainListener(() -> consumer, NormalcySerdes.retrainRequest().deserializer(),
                intake, TOPIC);
        assertFalse(listener.isAlive(), "not started by the constructor");
        assertTrue(consumer.subscription().isEmpty());
        listener.start();
        try {
            await(() -> {
                OffsetAndMetadata o = consumer.committed(java.util.Set.of(TP)).get(TP);
                return o != null && o.offset() == 3;
            }, "offset 3 committed");
            assertEquals(2, producer.history().size(), "one QUEUED status per decodable request");
            assertTrue(intake.queue().seen("r1") && intake.queue().seen("r2"));
            assertTrue(listener.isAlive());
            assertEquals(ConsumerLoop.State.RUNNING, listener.loop().state());
        } finally {
            listener.close();
        }
        assertFalse(listener.isAlive());
        assertTrue(consumer.closed());
    }

    @Test
    void notAuthorizedForTheGroupStopsTheListenerWithItsFailure() throws InterruptedException {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.setPollException(new GroupAuthorizationException("not authorized for group normalcy-trainer"));
        RetrainIntake intake = new RetrainIntake(new TrainingQueue(r -> { }, t -> { }, 100),
                new StatusReporter(new MockProducer<>(true, new StringSerializer(),
                        (Serializer<TrainingStatus>) (t, s) -> new byte[0]), "status", "trainer-a"));
        RetrainListener listener = new RetrainListener(() -> consumer, NormalcySerdes.retrainRequest().deserializer(),
                intake, TOPIC);
        listener.start();
        try {
            await(() -> !listener.isAlive(), "the listener stopped");
            assertEquals(ConsumerLoop.State.FAILED, listener.loop().state());
            assertTrue(listener.loop().failure() instanceof GroupAuthorizationException, "" + listener.loop().failure());
            assertTrue(consumer.closed());
        } finally {
            listener.close();
        }
    }
}
