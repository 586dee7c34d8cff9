package io.normalcy.demo;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** The demo's own Kafka clients: topic provisioning, the event producer and retrain requests. */
final class DemoKafka implements AutoCloseable {
    /** Partitions of the event topics the demo creates: the services' default, so nobody warns about a mismatch. */
    static final int PARTITIONS = Topics.DEFAULT_PARTITIONS;

    private final String bootstrapServers;
    private final Topics topics;
    private final TopicDescriptor<String, FeatureVector> features;
    private final TopicDescriptor<String, RetrainRequest> retrain;
    private final Producer<String, FeatureVector> producer;
    private final Producer<String, RetrainRequest> retrainProducer;

    DemoKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.topics = new Topics(TopicNames.defaults(), PARTITIONS, TopicDescriptor.BROKER_DEFAULT);
        this.features = topics.features();
        this.retrain = topics.retrain();
        Map<String, Object> p = common("producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p, features.keySerde().serializer(), features.valueSerde().serializer());
        this.retrainProducer = new KafkaProducer<>(common("retrain"), retrain.keySerde().serializer(),
                retrain.valueSerde().serializer());
    }

    Topics topics() {
        return topics;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Map<String, Object> common(String purpose) {
        Map<String, Object> m = new HashMap<>();
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(CommonClientConfigs.CLIENT_ID_CONFIG, "normalcy-demo-" + purpose);
        return m;
    }

    Map<String, Object> consumerConfig(String purpose) {
        Map<String, Object> m = common(purpose);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        m.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        return m;
    }

    /** Creates the missing Normalcy topics; returns how many were created. */
    int ensureTopics() {
        try (Admin admin = Admin.create(common("admin"))) {
            return TopicAdmin.ensureTopics(admin, topics.all()).created().size();
        }
    }

    /** Sends the events (key = entity, record timestamp = event time) and waits until all are acknowledged. */
    void produce(List<DemoEvent> events) {
        for (DemoEvent e : events) {
            producer.send(new ProducerRecord<>(features.name(), null, e.eventTime(), e.entity(), e.toFeatureVector()));
        }
        producer.flush();
    }

    /** Publishes a retrain request on the retrain topic, the way any client would. */
    void requestRetrain(String requestId, String reason, Long maxRecords) {
        requestRetrain(requestId, reason, maxRecords, null, Map.of());
    }

    /**
     * @param windowEnd train only on events before this time (null: up to the end of the topic)
     * @param overrides hyper-parameter overrides for this run (keys as in the trainer's model definition)
     */
    void requestRetrain(String requestId, String reason, Long maxRecords, Instant windowEnd,
                        Map<String, String> overrides) {
        requestRetrain(PaymentsModel.MODEL, requestId, reason, maxRecords, windowEnd, overrides);
    }

    /** A retrain request for {@code model} (the metrics scenario trains two models of its own). */
    void requestRetrain(String model, String requestId, String reason, Long maxRecords, Instant windowEnd,
                        Map<String, String> overrides) {
        RetrainRequest r = RetrainRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(model)
                .setReason(reason)
                .setRequestedAt(Instant.now())
                .setMaxRecords(maxRecords)
                .setWindowEnd(windowEnd)
                .setOverrides(overrides)
                .setRequestedBy("normalcy-demo")
                .build();
        try {
            retrainProducer.send(new ProducerRecord<>(retrain.name(), model, r)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending retrain request " + requestId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send retrain request " + requestId + " to " + retrain.name()
                    + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
        retrainProducer.close();
    }
}
