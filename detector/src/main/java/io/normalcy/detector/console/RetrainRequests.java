package io.normalcy.detector.console;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.schemas.serde.AvroSerde;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a manual retrain request (the console's retrain button, {@code POST /models/{name}/retrain}) to the
 * retrain topic — the same topic, key (model name) and Avro record the drift monitor's requests use, so the trainer
 * handles both alike. Synchronous with an idempotent {@code acks=all} producer: the API says "requested" only once the
 * broker has it. The producer is opened on first use, so a detector nobody asks for a retrain opens none.
 */
@Singleton
public final class RetrainRequests {
    /**
     * {@code reason} of manual requests. They are logged (who asked) but not counted in
     * {@code normalcy_retrain_requested_total}, which stays the drift monitor's: its alert rule catches retrain storms.
     */
    public static final String MANUAL = "manual";
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RetrainRequests.class);

    private final String topic;
    private final Properties clientProps;
    private final AvroSerde<RetrainRequest> serde = AvroSerde.of(RetrainRequest.class);
    private KafkaProducer<byte[], byte[]> producer;

    RetrainRequests(DetectorTopics topics, @Named("kafkaClientProperties") Properties clientProps) {
        this.topic = topics.retrain();
        this.clientProps = clientProps;
    }

    /**
     * Sends a request to retrain {@code model} with the trainer's defaults (window, record cap, parameters).
     *
     * @param requestedBy who asked (the authenticated caller's name)
     * @return the request as sent (its {@code requestId} finds the training status on the trainer)
     * @throws KafkaException when the broker does not acknowledge it in time
     */
    public RetrainRequest request(String model, String requestedBy) {
        RetrainRequest r = RetrainRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setModel(model)
                .setReason(MANUAL).setRequestedAt(Instant.now()).setRequestedBy(requestedBy).build();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, model.getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, r));
        try {
            producer().send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while requesting a retrain of " + model, e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write the retrain request of " + model + " to " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("no acknowledgement of the retrain request of " + model + " within "
                    + SEND_TIMEOUT, e);
        }
        LOG.info("Retrain of {} requested by {} (request {})", model, requestedBy, r.getRequestId());
        return r;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = KafkaClients.producer(clientProps, "normalcy-retrain-requests");
            p.put("max.block.ms", String.valueOf(SEND_TIMEOUT.toMillis()));
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
