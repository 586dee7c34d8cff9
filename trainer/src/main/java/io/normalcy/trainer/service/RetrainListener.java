package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.schemas.kafka.ConsumerLoop;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Consumes {@code normalcy.retrain} on a {@link ConsumerLoop} (a plain consumer in a group, so several trainer
 * instances share the topic) and hands each request to {@link RetrainIntake}. A poll's requests are admitted after
 * the poll and its offsets committed after that, and admitting returns once the request's QUEUED status (which
 * journals the request) is written: a crash before the commit re-delivers them (the ids already on
 * training-status are dropped as duplicates), a crash after it leaves them to the restarted trainer's recovery
 * ({@code TrainerLifecycle}). Admitting is not a per-record step of the loop on purpose: a failed admission (the
 * status topic unreachable) ends the consumer session without a commit, so the loop's restart re-delivers the
 * requests instead of skipping them. Undecodable records are logged and skipped (the value deserializer must be
 * error-tolerant, see {@link #decode}).
 */
public final class RetrainListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainListener.class);

    private final org.apache.kafka.common.serialization.Deserializer<RetrainRequest> deserializer;
    private final RetrainIntake intake;
    private final String topic;
    private final ConsumerLoop<String, byte[]> loop;
    private final List<RetrainRequest> polled = new ArrayList<>(); // loop thread only

    /** @param consumers creates the group consumer of a session (a new one after a failed session) */
    public RetrainListener(Supplier<? extends Consumer<String, byte[]>> consumers,
                           org.apache.kafka.common.serialization.Deserializer<RetrainRequest> deserializer,
                           RetrainIntake intake, String topic) {
        this.deserializer = deserializer;
        this.intake = intake;
        this.topic = topic;
        this.loop = new ConsumerLoop<>("retrain-listener", consumers, new Handler(), Duration.ofMillis(500));
    }

    private final class Handler implements ConsumerLoop.Handler<String, byte[]> {
        @Override
        public void onStart(Consumer<String, byte[]> consumer) {
            consumer.subscribe(List.of(topic));
        }

        @Override
        public void onRecord(ConsumerRecord<String, byte[]> r) {
            RetrainRequest req = decode(r);
            if (req != null) {
                polled.add(req);
            }
        }

        @Override
        public void afterPoll(Consumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
            polled.forEach(intake::submit);
            polled.clear();
            if (!records.isEmpty()) {
                consumer.commitSync();
            }
        }

        @Override
        public void onSessionEnd() {
            polled.clear(); // not committed: delivered again to the next session
        }
    }

    public void start() {
        loop.start();
    }

    RetrainRequest decode(ConsumerRecord<String, byte[]> r) {
        try {
            RetrainRequest req = deserializer.deserialize(r.topic(), r.value());
            if (req == null) {
                return null;
            }
            if (req.getRequestId() == null || req.getRequestId().isBlank()) {
                LOG.warn("ignoring retrain request without requestId at {}-{}@{}", r.topic(), r.partition(), r.offset());
                return null;
            }
            return req;
        } catch (RuntimeException e) {
            LOG.warn("ignoring undecodable retrain request at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    /** Started, not closed and not stopped by a fatal consumer error. */
    public boolean isAlive() {
        return loop.isRunning();
    }

    /** The loop, for its state and failure (health). */
    public ConsumerLoop<String, byte[]> loop() {
        return loop;
    }

    @Override
    public void close() {
        loop.close();
    }
}
