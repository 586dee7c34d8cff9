package io.normalcy.trainer.status;

import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.queue.TrainingRequest;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The journal headers on training-status: owner on every record, the request until it is terminal. */
class StatusReporterTest {
    private final MockProducer<String, TrainingStatus> producer = new MockProducer<>(true, new StringSerializer(),
            (Serializer<TrainingStatus>) (t, s) -> new byte[0]);
    private final StatusReporter reporter = new StatusReporter(producer, "status", "trainer-a");

    @Test
    void unfinishedStatusesCarryTheOwnerAndTheRequestTerminalOnesOnlyTheOwner() {
        TrainingRequest r = new TrainingRequest("r1", "m", "test", 1L, 2L, Map.of("epochs", "3"), 10);
        reporter.open(r);
        reporter.report(List.of("r1"), "m", TrainingState.QUEUED, StatusReporter.Progress.NONE, null, "accepted");
        reporter.report(List.of("r1"), "m", TrainingState.RUNNING, StatusReporter.Progress.NONE, null, "reading");
        reporter.report(List.of("r1"), "m", TrainingState.SUCCEEDED, StatusReporter.Progress.NONE, 1L, "done");
        reporter.report(List.of("r1"), "m", TrainingState.RUNNING, StatusReporter.Progress.NONE, null, "stray");
        List<ProducerRecord<String, TrainingStatus>> sent = producer.history();
        assertEquals(4, sent.size());
        for (ProducerRecord<String, TrainingStatus> rec : sent) {
            assertEquals("trainer-a", StatusHeaders.owner(rec.headers()));
        }
        assertEquals(r, StatusHeaders.decodeRequest(StatusHeaders.request(sent.get(0).headers())));
        assertEquals(r, StatusHeaders.decodeRequest(StatusHeaders.request(sent.get(1).headers())));
        assertNull(StatusHeaders.request(sent.get(2).headers()), "terminal: no request");
        assertNull(StatusHeaders.request(sent.get(3).headers()), "closed by the terminal status");
    }

    @Test
    void coalescedIdsEachCarryTheirOwnRequest() {
        TrainingRequest a = new TrainingRequest("a", "m", "one", null, null, Map.of("epochs", "1"), 1);
        TrainingRequest b = new TrainingRequest("b", "m", "two", null, null, Map.of("epochs", "2"), 2);
        reporter.open(a);
        reporter.open(b);
        reporter.report(List.of("a", "b"), "m", TrainingState.RUNNING, StatusReporter.Progress.NONE, null, "");
        List<ProducerRecord<String, TrainingStatus>> sent = producer.history();
        assertEquals(a, StatusHeaders.decodeRequest(StatusHeaders.request(sent.get(0).headers())));
        assertEquals(b, StatusHeaders.decodeRequest(StatusHeaders.request(sent.get(1).headers())));
    }

    @Test
    void withoutAnOwnerNoOwnerHeader() {
        MockProducer<String, TrainingStatus> p = new MockProducer<>(true, new StringSerializer(),
                (Serializer<TrainingStatus>) (t, s) -> new byte[0]);
        new StatusReporter(p, "status").report(List.of("x"), "m", TrainingState.FAILED,
                StatusReporter.Progress.NONE, null, "no");
        assertNull(StatusHeaders.owner(p.history().get(0).headers()));
    }

    /** Flow auto candidates train by turns: each epoch's log line names its candidate. */
    @Test
    void anAutoCandidatesEpochLineNamesTheCandidate() {
        assertEquals("training m candidate MAF_MOG K=3 2×[16, 16] epoch 3 train NLL 1.5 validation NLL 1.75",
                StatusReporter.epochLine("m", new StatusReporter.Progress(3, 40, 1.5, 1.75, "MAF_MOG K=3 2×[16, 16]")));
        assertEquals("training m epoch 3/40 train NLL 1.5 validation NLL 1.75",
                StatusReporter.epochLine("m", new StatusReporter.Progress(3, 40, 1.5, 1.75)));
    }
}
