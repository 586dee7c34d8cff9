package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.TrainingState;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.status.StatusReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single entry for retrain requests from the topic, REST and tests: admits them to the
 * {@link TrainingQueue} and publishes QUEUED (noting coalescing) before any RUNNING. Duplicates are logged and
 * dropped without a status, since the original request already has one.
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
        TrainingQueue.Admission a = queue.submit(r, admission -> status.report(List.of(r.requestId()), r.model(),
                TrainingState.QUEUED, StatusReporter.Progress.NONE, null, switch (admission) {
                    case STARTED -> "accepted (" + r.reason() + ")";
                    case QUEUED -> "waiting for the running training of " + r.model();
                    case COALESCED -> "coalesced with the waiting training of " + r.model();
                    case DUPLICATE -> "";
                }));
        if (a == TrainingQueue.Admission.DUPLICATE) {
            LOG.info("ignoring duplicate retrain request {} for {}", r.requestId(), r.model());
        }
        return a;
    }

    public TrainingQueue.Admission submit(RetrainRequest r) {
        Map<String, String> overrides = new HashMap<>();
        r.getOverrides().forEach((k, v) -> overrides.put(k.toString(), v == null ? "" : v.toString()));
        if (r.getMaxRecords() != null) {
            overrides.putIfAbsent("max-records", r.getMaxRecords().toString());
        }
        return submit(new TrainingRequest(r.getRequestId(), r.getModel(), r.getReason(),
                r.getWindowStart() == null ? null : r.getWindowStart().toEpochMilli(),
                r.getWindowEnd() == null ? null : r.getWindowEnd().toEpochMilli(), overrides, System.currentTimeMillis()));
    }

    public TrainingQueue queue() {
        return queue;
    }
}
