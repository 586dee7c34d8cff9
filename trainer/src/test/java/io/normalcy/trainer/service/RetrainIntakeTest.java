package io.normalcy.trainer.service;

import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.status.StatusHeaders;
import io.normalcy.trainer.status.StatusReporter;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Admission returns only once the request is journaled: the 202 / offset commit must not precede it. */
class RetrainIntakeTest {

    @Test
    void submitReturnsOnceTheJournaledQueuedStatusIsAcknowledged() throws Exception {
        MockProducer<String, TrainingStatus> producer = new MockProducer<>(false, new StringSerializer(),
                (Serializer<TrainingStatus>) (t, s) -> new byte[0]);
        List<Runnable> scheduled = new ArrayList<>();
        RetrainIntake intake = new RetrainIntake(new TrainingQueue(scheduled::add, t -> { }, 100),
                new StatusReporter(producer, "status", "trainer-a"));
        TrainingRequest r = new TrainingRequest("r1", "m", "rest", null, null, Map.of("epochs", "2"), 5);
        CompletableFuture<TrainingQueue.Admission> admitted = CompletableFuture.supplyAsync(() -> intake.submit(r));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, producer.history().size(), "the QUEUED status is sent");
        assertFalse(admitted.isDone(), "not admitted before the broker acknowledged the status");
        producer.completeNext();
        assertEquals(TrainingQueue.Admission.STARTED, admitted.get(10, TimeUnit.SECONDS));
        assertEquals(r, StatusHeaders.decodeRequest(StatusHeaders.request(producer.history().get(0).headers())));
    }
}
