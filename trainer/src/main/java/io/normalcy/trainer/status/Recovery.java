package io.normalcy.trainer.status;

import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.queue.TrainingRequest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a starting trainer does with the requests that are still QUEUED or RUNNING on
 * {@code normalcy.training-status}: a trainer that dies (SIGKILL, out of memory, node lost) or stops mid-training
 * leaves them so, and nothing else would ever finish them. A pure function of the latest status per request
 * (with its {@link StatusHeaders journal headers}) and this trainer's instance id:
 * <ul>
 *   <li>owned by this instance, with the journaled request: <b>resume</b> it (admitted again, in the order the
 *   requests were first accepted, so coalescing works out as before);</li>
 *   <li>owned by this instance without a readable request, or without any owner (written by a trainer before
 *   the journal existed; with the usual single trainer it is dead): <b>fail</b> it with the reason, so the
 *   requester knows to resubmit;</li>
 *   <li>owned by another instance: <b>leave</b> it; that instance may be alive and training it, and resumes it
 *   itself when it restarts. (If it never comes back, the request stays non-terminal: resubmit it.)</li>
 * </ul>
 * Terminal requests need nothing.
 */
public final class Recovery {
    private Recovery() {
    }

    /** The latest status of one request as read back from the topic, with its journal headers. */
    public record Entry(TrainingStatus status, String owner, byte[] request) {
    }

    /** A request that is closed as FAILED with {@code message}. */
    public record Abandon(String requestId, String model, String message) {
    }

    /**
     * @param resume      requests to admit again, oldest accepted first
     * @param abandon     requests to report FAILED
     * @param otherOwners non-terminal request ids per owning instance, left alone
     */
    public record Plan(List<TrainingRequest> resume, List<Abandon> abandon, Map<String, List<String>> otherOwners) {
        public boolean isEmpty() {
            return resume.isEmpty() && abandon.isEmpty() && otherOwners.isEmpty();
        }
    }

    public static boolean terminal(TrainingState s) {
        return s == TrainingState.SUCCEEDED || s == TrainingState.FAILED;
    }

    public static Plan plan(Collection<Entry> latest, String instanceId) {
        List<TrainingRequest> resume = new ArrayList<>();
        List<Abandon> abandon = new ArrayList<>();
        Map<String, List<String>> others = new TreeMap<>();
        for (Entry e : latest) {
            TrainingStatus s = e.status();
            if (terminal(s.getState())) {
                continue;
            }
            String was = " (it was " + s.getState() + (s.getMessage().isEmpty() ? "" : ": " + s.getMessage()) + ")";
            if (e.owner() == null) {
                abandon.add(new Abandon(s.getRequestId(), s.getModel(), "a trainer stopped before the request finished"
                        + was + " and did not record its instance or the request; resubmit"));
            } else if (!e.owner().equals(instanceId)) {
                others.computeIfAbsent(e.owner(), o -> new ArrayList<>()).add(s.getRequestId());
            } else if (e.request() == null) {
                abandon.add(new Abandon(s.getRequestId(), s.getModel(), "trainer " + instanceId
                        + " restarted before the request finished" + was + " and the request was not recorded; resubmit"));
            } else {
                try {
                    resume.add(StatusHeaders.decodeRequest(e.request()));
                } catch (RuntimeException ex) {
                    abandon.add(new Abandon(s.getRequestId(), s.getModel(), "trainer " + instanceId
                            + " restarted before the request finished" + was + " and cannot read the recorded request ("
                            + ex.getMessage() + "); resubmit"));
                }
            }
        }
        resume.sort(Comparator.comparingLong(TrainingRequest::receivedAt).thenComparing(TrainingRequest::requestId));
        return new Plan(List.copyOf(resume), List.copyOf(abandon), others);
    }
}
