package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.TrainingState;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.status.StatusReporter;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The single entry for retrain requests from the topic, REST, tests and start-up recovery: admits them to the
 * {@link TrainingQueue} and publishes QUEUED (noting coalescing) before any RUNNING. Duplicates are logged and
 * dropped without a status, since the original request already has one.
 *
 * <p>An admitted request is journaled with its status ({@link StatusReporter#open}) and {@code submit} returns
 * once that QUEUED status is acknowledged by the broker: the REST caller's 202 and the retrain listener's offset
 * commit come after the request is durable, so a trainer that dies after either still resumes it. The wait is
 * bounded ({@value #ACK_WAIT_SECONDS} s; REST runs on the event loop): without an acknowledgement by then the
 * request is still admitted and trained, and the warning says it is not yet safe from a crash.
 */
public final class RetrainIntake {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainIntake.class);
    static final int ACK_WAIT_SECONDS = 10;

    private final TrainingQueue queue;
    private final StatusReporter status;

    public RetrainIntake(TrainingQueue queue, StatusReporter status) {
        this.queue = queue;
        this.status = status;
    }

    public TrainingQueue.Admission submit(TrainingRequest r) {
        return admit(r, "");
    }

    public TrainingQueue.Admission submit(RetrainRequest r) {
        return submit(TrainingRequest.from(r, System.currentTimeMillis()));
    }

    /** Admits again a request that this trainer had accepted but not finished before it stopped. */
    public TrainingQueue.Admission resume(TrainingRequest r) {
        return admit(r, "resumed after a trainer restart; ");
    }

    private TrainingQueue.Admission admit(TrainingRequest r, String prefix) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        TrainingQueue.Admission a = queue.submit(r, admission -> {
            status.open(r);
            sends.addAll(status.report(List.of(r.requestId()), r.model(), TrainingState.QUEUED,
                    StatusReporter.Progress.NONE, null,
                    prefix + (queue.isClosed() ? "trainer shutting down: runs when it restarts" : switch (admission) {
                        case STARTED -> "accepted (" + r.reason() + ")";
                        case QUEUED -> "waiting for the running training of " + r.model();
                        case COALESCED -> "coalesced with the waiting training of " + r.model();
                        case DUPLICATE -> "";
                    })));
        });
        if (a == TrainingQueue.Admission.DUPLICATE) {
            LOG.info("ignoring duplicate retrain request {} for {}", r.requestId(), r.model());
        }
        awaitJournaled(r, sends);
        return a;
    }

    private static void awaitJournaled(TrainingRequest r, List<Future<RecordMetadata>> sends) {
        try {
            for (Future<RecordMetadata> f : sends) {
                f.get(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("request {} is admitted but its QUEUED status is not written ({}): if this trainer stops before "
                    + "it finishes, it is lost", r.requestId(), e.toString());
        }
    }

    public TrainingQueue queue() {
        return queue;
    }
}
