package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.TrainingState;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.status.StatusReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The single entry for retrain requests from the topic, REST, tests and start-up recovery: admits them to the
 * {@link TrainingQueue} and publishes QUEUED (noting coalescing) before any RUNNING. Duplicates are logged and
 * dropped without a status, since the original request already has one.
 *
 * <p>An admitted request is journaled with its status ({@link StatusReporter#open}) and {@code submit} returns
 * only once that QUEUED status is acknowledged by the broker: the REST caller's 202 and the retrain listener's
 * offset commit come after the request is durable, so a trainer that dies after either still resumes it.
 */
public final class RetrainIntake {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainIntake.class);

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
        TrainingQueue.Admission a = queue.submit(r, admission -> {
            status.open(r);
            status.report(List.of(r.requestId()), r.model(), TrainingState.QUEUED, StatusReporter.Progress.NONE, null,
                    prefix + (queue.isClosed() ? "trainer shutting down: runs when it restarts" : switch (admission) {
                        case STARTED -> "accepted (" + r.reason() + ")";
                        case QUEUED -> "waiting for the running training of " + r.model();
                        case COALESCED -> "coalesced with the waiting training of " + r.model();
                        case DUPLICATE -> "";
                    }));
        });
        if (a == TrainingQueue.Admission.DUPLICATE) {
            LOG.info("ignoring duplicate retrain request {} for {}", r.requestId(), r.model());
        } else {
            status.flush();
        }
        return a;
    }

    public TrainingQueue queue() {
        return queue;
    }
}
