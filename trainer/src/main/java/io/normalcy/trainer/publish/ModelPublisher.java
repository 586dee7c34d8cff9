package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelVersion;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;

import java.util.concurrent.ExecutionException;

/**
 * Publishes model versions with a transactional producer ({@code transactional.id} fixed per trainer
 * instance): a restarted instance fences its zombie predecessor, and a model record is either committed whole
 * or invisible to read_committed consumers (detectors). Transactions here hold one record; they buy fencing
 * and all-or-nothing visibility, not batching. Thread-safe (one transaction at a time).
 */
public final class ModelPublisher implements AutoCloseable {
    private final Producer<String, ModelVersion> producer;
    private final String topic;

    /** @param producer configured with a transactional.id; {@code initTransactions} is called here */
    public ModelPublisher(Producer<String, ModelVersion> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
        producer.initTransactions();
    }

    public synchronized RecordMetadata publish(ModelVersion model) {
        try {
            producer.beginTransaction();
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, model.getModel(), model)).get();
            producer.commitTransaction();
            return md;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw new IllegalStateException("model producer can no longer publish (" + e.getMessage()
                    + "); another trainer with the same instance-id?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producer.abortTransaction();
            throw new IllegalStateException("interrupted while publishing " + model.getModel(), e);
        } catch (ExecutionException | KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // the original error is the one to report
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("publishing " + model.getModel() + " v" + model.getVersion()
                    + " to " + topic + " failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
