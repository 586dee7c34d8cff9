package io.normalcy.trainer.service;

import io.normalcy.avro.RetrainRequest;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Consumes {@code normalcy.retrain} on its own thread (a plain consumer in a group, so several trainer
 * instances share the topic) and hands each request to {@link RetrainIntake}. Offsets are committed after the
 * requests are admitted, and admitting returns once the request's QUEUED status (which journals the request) is
 * written: a crash before the commit re-delivers them (the ids already on training-status are dropped as
 * duplicates), a crash after it leaves them to the restarted trainer's recovery ({@code TrainerLifecycle}).
 * Undecodable records are logged and skipped (the value deserializer must be error-tolerant, see
 * {@link #decode}).
 */
public final class RetrainListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainListener.class);

    private final Consumer<String, byte[]> consumer;
    private final org.apache.kafka.common.serialization.Deserializer<RetrainRequest> deserializer;
    private final RetrainIntake intake;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;

    public RetrainListener(Consumer<String, byte[]> consumer,
                           org.apache.kafka.common.serialization.Deserializer<RetrainRequest> deserializer,
                           RetrainIntake intake, String topic) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.intake = intake;
        this.topic = topic;
        this.thread = new Thread(this::loop, "retrain-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        consumer.subscribe(List.of(topic));
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    RetrainRequest req = decode(r);
                    if (req != null) {
                        intake.submit(req);
                    }
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("retrain listener stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
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

    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
