package io.normalcy.trainer.status;

import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.queue.TrainingRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up decision: latest status per request (with its journal headers) → resume, fail or leave. */
class RecoveryTest {
    private static final String ME = "trainer-a";

    private static TrainingRequest request(String id, long receivedAt) {
        return new TrainingRequest(id, "payments", "drift", 1_000L, 2_000L, Map.of("epochs", "7"), receivedAt);
    }

    private static Recovery.Entry entry(String id, TrainingState state, String owner, byte[] request) {
        TrainingStatus s = TrainingStatus.newBuilder().setRequestId(id).setModel("payments").setState(state)
                .setMessage(state == TrainingState.RUNNING ? "reading history" : "").setUpdatedAt(Instant.EPOCH).build();
        return new Recovery.Entry(s, owner, request);
    }

    private static Recovery.Entry mine(String id, TrainingState state, long receivedAt) {
        return entry(id, state, ME, StatusHeaders.encodeRequest(request(id, receivedAt)));
    }

    @Test
    void ownUnfinishedRequestsResumeWithTheirOwnParametersInAcceptanceOrder() {
        Recovery.Plan plan = Recovery.plan(List.of(mine("late", TrainingState.QUEUED, 300),
                mine("running", TrainingState.RUNNING, 100), mine("waiting", TrainingState.QUEUED, 200)), ME);
        assertEquals(List.of(request("running", 100), request("waiting", 200), request("late", 300)), plan.resume());
        assertTrue(plan.abandon().isEmpty() && plan.otherOwners().isEmpty(), plan.toString());
    }

    @Test
    void terminalRequestsNeedNothing() {
        Recovery.Plan plan = Recovery.plan(List.of(mine("ok", TrainingState.SUCCEEDED, 1),
                mine("bad", TrainingState.FAILED, 2), entry("legacy-done", TrainingState.SUCCEEDED, null, null)), ME);
        assertTrue(plan.isEmpty(), plan.toString());
    }

    @Test
    void otherInstancesRequestsAreLeftToThem() {
        Recovery.Plan plan = Recovery.plan(List.of(entry("b1", TrainingState.RUNNING, "trainer-b",
                StatusHeaders.encodeRequest(request("b1", 1))), entry("b2", TrainingState.QUEUED, "trainer-b", null)), ME);
        assertTrue(plan.resume().isEmpty() && plan.abandon().isEmpty(), plan.toString());
        assertEquals(Map.of("trainer-b", List.of("b1", "b2")), plan.otherOwners());
    }

    @Test
    void ownRequestWithoutARecordedRequestFailsWithTheReason() {
        Recovery.Plan plan = Recovery.plan(List.of(entry("r1", TrainingState.RUNNING, ME, null)), ME);
        assertTrue(plan.resume().isEmpty());
        Recovery.Abandon a = plan.abandon().get(0);
        assertEquals("r1", a.requestId());
        assertEquals("payments", a.model());
        assertTrue(a.message().contains("trainer trainer-a restarted before the request finished")
                && a.message().contains("RUNNING: reading history") && a.message().endsWith("resubmit"), a.message());
    }

    @Test
    void unreadableRecordedRequestFailsNamingTheProblem() {
        Recovery.Plan plan = Recovery.plan(List.of(entry("r1", TrainingState.QUEUED, ME,
                "not avro".getBytes(StandardCharsets.UTF_8))), ME);
        assertTrue(plan.resume().isEmpty());
        String m = plan.abandon().get(0).message();
        assertTrue(m.contains("cannot read the recorded request") && m.endsWith("resubmit"), m);
    }

    @Test
    void unfinishedRequestWithoutOwnerFromAnOlderTrainerFails() {
        Recovery.Plan plan = Recovery.plan(List.of(entry("old", TrainingState.RUNNING, null, null)), ME);
        assertEquals(List.of("old"), plan.abandon().stream().map(Recovery.Abandon::requestId).toList());
        assertTrue(plan.abandon().get(0).message().contains("did not record its instance"), plan.toString());
    }

    @Test
    void journaledRequestRoundTripsThroughTheHeader() {
        TrainingRequest r = new TrainingRequest("r-9", "m", "", null, 5L, Map.of(), 42);
        assertEquals(r, StatusHeaders.decodeRequest(StatusHeaders.encodeRequest(r)));
        assertEquals(request("x", 7), StatusHeaders.decodeRequest(StatusHeaders.encodeRequest(request("x", 7))));
    }
}
