package io.normalcy.trainer.status;

import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.queue.TrainingRequest;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Publishes the life cycle of retrain requests to {@code normalcy.training-status} (key = request id) and logs
 * it. A training that answers several coalesced requests reports to each of them. Sends are asynchronous
 * (idempotent producer); a failed status send is logged, never fails the training. Also remembers the latest
 * status per request (bounded) for the REST API.
 *
 * <p>The topic is also the journal of unfinished requests ({@link StatusHeaders}): every record names this
 * trainer instance, and every QUEUED/RUNNING record carries the request that was {@link #open opened}, so a
 * restarted trainer finds what it had accepted but not finished ({@link Recovery}).
 */
public class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final int REMEMBERED = 1000;

    private final Producer<String, TrainingStatus> producer;
    private final String topic;
    private final String owner;
    /** Encoded requests of the ids that have not reached a terminal state yet (removed at SUCCEEDED/FAILED). */
    private final Map<String, byte[]> open = new HashMap<>();
    private final Map<String, TrainingStatus> latest = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrainingStatus> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** @param producer null = log only (the CLI) */
    public StatusReporter(Producer<String, TrainingStatus> producer, String topic) {
        this(producer, topic, null);
    }

    /**
     * @param producer null = log only (the CLI)
     * @param owner    {@code normalcy.trainer.instance-id} written with every status; null = none (the CLI)
     */
    public StatusReporter(Producer<String, TrainingStatus> producer, String topic, String owner) {
        this.producer = producer;
        this.topic = topic;
        this.owner = owner;
    }

    /**
     * Starts journaling {@code r}: its QUEUED and RUNNING statuses carry it until it reaches a terminal state.
     * Call before its first status.
     */
    public void open(TrainingRequest r) {
        byte[] encoded = StatusHeaders.encodeRequest(r);
        synchronized (open) {
            open.put(r.requestId(), encoded);
        }
    }

    /**
     * Fields that only some states carry; null = absent. {@code candidate} labels the epoch of a flow auto candidate
     * (in the log only: candidates train by turns, so their epochs interleave).
     */
    public record Progress(Integer epoch, Integer totalEpochs, Double trainLoss, Double validationLoss,
                           String candidate) {
        public static final Progress NONE = new Progress(null, null, null, null);

        public Progress(Integer epoch, Integer totalEpochs, Double trainLoss, Double validationLoss) {
            this(epoch, totalEpochs, trainLoss, validationLoss, null);
        }
    }

    /** Publishes the status of each id; returns the pending sends (empty without a producer), to await if needed. */
    public List<Future<RecordMetadata>> report(Collection<String> requestIds, String model, TrainingState state,
                                               Progress p, Long publishedVersion, String message) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (String id : requestIds) {
            TrainingStatus s = TrainingStatus.newBuilder().setRequestId(id).setModel(model).setState(state)
                    .setEpoch(p.epoch()).setTotalEpochs(p.totalEpochs()).setTrainLoss(finite(p.trainLoss()))
                    .setValidationLoss(finite(p.validationLoss())).setPublishedVersion(publishedVersion)
                    .setMessage(message == null ? "" : message).setUpdatedAt(Instant.now()).build();
            synchronized (latest) {
                latest.put(id, s);
            }
            RecordHeaders headers = headers(id, state);
            if (producer != null) {
                sends.add(producer.send(new ProducerRecord<>(topic, null, id, s, headers), (md, e) -> {
                    if (e != null) {
                        LOG.warn("could not publish status {} of request {}: {}", state, id, e.toString());
                    }
                }));
            }
        }
        if (state == TrainingState.FAILED) {
            LOG.warn("training {} {} {}: {}", model, requestIds, state, message);
        } else if (state != TrainingState.RUNNING || p.trainLoss() == null) {
            LOG.info("training {} {} {}{}", model, requestIds, state, message == null || message.isEmpty() ? "" : ": " + message);
        } else {
            LOG.info("{}", epochLine(model, p));
        }
        return sends;
    }

    /**
     * The log line of a training epoch; under flow auto it names the candidate (and not the planned total, which is
     * the chosen one's), so a reader can follow one candidate through the interleaved rungs.
     */
    static String epochLine(String model, Progress p) {
        return p.candidate() != null
                ? "training " + model + " candidate " + p.candidate() + " epoch " + p.epoch() + " train NLL "
                        + p.trainLoss() + " validation NLL " + p.validationLoss()
                : "training " + model + " epoch " + p.epoch() + "/" + p.totalEpochs() + " train NLL " + p.trainLoss()
                        + " validation NLL " + p.validationLoss();
    }

    private RecordHeaders headers(String id, TrainingState state) {
        RecordHeaders h = new RecordHeaders();
        if (owner != null) {
            h.add(StatusHeaders.OWNER, StatusHeaders.encodeOwner(owner));
        }
        boolean terminal = state == TrainingState.SUCCEEDED || state == TrainingState.FAILED;
        byte[] request;
        synchronized (open) {
            request = terminal ? open.remove(id) : open.get(id);
        }
        if (!terminal && request != null) {
            h.add(StatusHeaders.REQUEST, request);
        }
        return h;
    }

    /**
     * Waits until every status sent so far is acknowledged (or has failed, which is logged): after this, an
     * accepted request is in the journal and survives a crash of this trainer.
     */
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    public Optional<TrainingStatus> latest(String requestId) {
        synchronized (latest) {
            return Optional.ofNullable(latest.get(requestId));
        }
    }

    private static Double finite(Double d) {
        return d == null || !Double.isFinite(d) ? null : d;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
