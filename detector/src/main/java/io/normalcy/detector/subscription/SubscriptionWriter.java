package io.normalcy.detector.subscription;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes subscriptions (key = subscriberId) and tombstones to the compacted subscriptions topic with an
 * idempotent {@code acks=all} producer, synchronously: the API answers only after the broker has the record.
 * Created on first use, so a service that never manages subscriptions opens no producer.
 */
@Singleton
public final class SubscriptionWriter {
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerde<AlertSubscription> serde = NormalcySerdes.alertSubscription();
    private final String topic;

    SubscriptionWriter(SubscriptionView view, @Named("kafkaClientProperties") Properties clientProps) {
        this.topic = view.topic();
        Properties p = KafkaClients.producer(clientProps, "normalcy-subscriptions-writer");
        p.put("max.block.ms", String.valueOf(SEND_TIMEOUT.toMillis()));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public RecordMetadata write(AlertSubscription s) {
        return send(new ProducerRecord<>(topic, s.getSubscriberId(), serde.serialize(topic, s)));
    }

    public RecordMetadata tombstone(String subscriberId) {
        return send(new ProducerRecord<>(topic, subscriberId, null));
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> r) {
        try {
            return producer.send(r).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing subscription " + r.key(), e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write subscription " + r.key() + " to " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out writing subscription " + r.key() + " to " + topic, e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
