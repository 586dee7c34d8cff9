package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelVersion;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Publishes model versions with a transactional producer ({@code transactional.id} fixed per trainer
 * instance): a restarted instance fences its zombie predecessor, and a model record is either committed whole
 * or invisible to read_committed consumers (detectors). Transactions here hold one record; they buy fencing
 * and all-or-nothing visibility, not batching. Thread-safe (one transaction at a time).
 *
 * <p>A producer that can no longer publish (fenced by another holder of the same {@code transactional.id}, e.g.
 * the CLI's {@code --publish} with the service's instance-id; or an unrecoverable sequence or authorization error)
 * fails that publish with a clear message, is closed, and a new one is created for the next publish: Kafka
 * producers never recover from these errors, and a long-running trainer must not stay unable to publish until a
 * restart.
 */
public final class ModelPublisher implements AutoCloseable {
    private final Supplier<Producer<String, ModelVersion>> factory;
    private final String topic;
    private Producer<String, ModelVersion> producer;

    /** @param factory creates a producer configured with a transactional.id; {@code initTransactions} is called here */
    public ModelPublisher(Supplier<Producer<String, ModelVersion>> factory, String topic) {
        this.factory = factory;
        this.topic = topic;
        this.producer = open();
    }

    private Producer<String, ModelVersion> open() {
        Producer<String, ModelVersion> p = factory.get();
        p.initTransactions();
        return p;
    }

    public synchronized RecordMetadata publish(ModelVersion model) {
        if (producer == null) {
            producer = open();
        }
        try {
            producer.beginTransaction();
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, model.getModel(), model)).get();
            producer.commitTransaction();
            return md;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producer.abortTransaction();
            throw new IllegalStateException("interrupted while publishing " + model.getModel(), e);
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (unrecoverable(cause)) {
                discard();
                throw new IllegalStateException("model producer can no longer publish (" + cause.getMessage()
                        + "); another trainer with the same instance-id? A new producer is used for the next publish",
                        cause);
            }
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // the original error is the one to report
            }
            throw new IllegalStateException("publishing " + model.getModel() + " v" + model.getVersion()
                    + " to " + topic + " failed: " + cause.getMessage(), cause);
        }
    }

    /** Errors after which a Kafka producer can only be closed (thrown directly or through the send future). */
    private static boolean unrecoverable(Throwable t) {
        return t instanceof ProducerFencedException || t instanceof OutOfOrderSequenceException
                || t instanceof AuthorizationException;
    }

    private void discard() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // closing a fenced producer may throw; it is gone either way
        }
        producer = null;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
