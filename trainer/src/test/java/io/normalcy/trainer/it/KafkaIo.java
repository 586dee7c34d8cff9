package io.normalcy.trainer.it;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Test-side Kafka helpers: topics, producing features and requests, reading statuses and models. */
final class KafkaIo {
    static final Topics TOPICS = Topics.defaults();

    private final String bootstrap;

    KafkaIo(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Creates the topics and waits until every partition has a leader (a new partition can take a moment). */
    void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, TOPICS.all());
            List<String> names = TOPICS.all().stream().map(t -> t.name()).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                if (partitionsReady(admin, names)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic partitions have no leader after 30 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * True when every partition has a leader that answers ListOffsets. Metadata of a just-created topic may still
     * be unknown (UnknownTopicOrPartition) or name a leader before the broker has created the log: both mean
     * "not yet", never a failure.
     */
    private static boolean partitionsReady(Admin admin, List<String> names) throws InterruptedException {
        try {
            Map<String, org.apache.kafka.clients.admin.TopicDescription> topics =
                    admin.describeTopics(names).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS);
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> q = new java.util.HashMap<>();
            for (var d : topics.values()) {
                for (var p : d.partitions()) {
                    if (p.leader() == null || p.leader().isEmpty()) {
                        return false;
                    }
                    q.put(new TopicPartition(d.name(), p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            admin.listOffsets(q).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    void produceFeatures(List<FeatureVector> vectors) {
        try (KafkaProducer<String, FeatureVector> p = producer(NormalcySerdes.featureVector().serializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (FeatureVector v : vectors) {
                sent.add(p.send(new ProducerRecord<>(TOPICS.names().features(), null, v.getEventTime().toEpochMilli(),
                        v.getEntity(), v)));
            }
            p.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new AssertionError("producing test features failed", e);
                }
            }
        }
    }

    void produceRaw(byte[] value) {
        try (KafkaProducer<String, byte[]> p = producer(new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new ProducerRecord<>(TOPICS.names().features(), "garbage", value));
            p.flush();
        }
    }

    /** Any bytes (null = tombstone) to any topic, e.g. junk on the models topic. */
    void produceRawTo(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> p = producer(new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            try {
                p.send(new ProducerRecord<>(topic, key, value)).get();
            } catch (Exception e) {
                throw new AssertionError("producing to " + topic + " failed", e);
            }
        }
    }

    void requestRetrain(String requestId, String model, Instant start, Instant end) {
        requestRetrain(requestId, model, start, end, Map.of());
    }

    void requestRetrain(String requestId, String model, Instant start, Instant end, Map<String, String> overrides) {
        RetrainRequest r = RetrainRequest.newBuilder().setRequestId(requestId).setModel(model).setReason("test")
                .setRequestedAt(Instant.now()).setWindowStart(start).setWindowEnd(end)
                .setOverrides(Map.copyOf(overrides)).build();
        try (KafkaProducer<String, RetrainRequest> p = producer(NormalcySerdes.retrainRequest().serializer())) {
            p.send(new ProducerRecord<>(TOPICS.names().retrain(), model, r));
            p.flush();
        }
    }

    private <V> KafkaProducer<String, V> producer(Serializer<V> s) {
        // not idempotent, one request in flight: a retry right after topic creation (NotLeaderOrFollower) cannot
        // then be rejected as out of order, which with an idempotent producer can stall a batch until it expires
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), s);
    }

    /** Every record currently on a topic (read_committed), from the beginning. */
    <V> List<V> readAll(String topic, Deserializer<V> d) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(props, new StringDeserializer(), d)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    List<TrainingStatus> statuses(String requestId) {
        return readAll(TOPICS.names().trainingStatus(), NormalcySerdes.trainingStatus().deserializer()).stream()
                .filter(s -> s.getRequestId().equals(requestId)).toList();
    }

    /** The model versions of {@code model} on the models topic; other records (controls, junk) are skipped. */
    List<ModelVersion> models(String model) {
        Deserializer<ModelVersion> d = NormalcySerdes.modelVersion().deserializer();
        List<ModelVersion> out = new ArrayList<>();
        for (byte[] bytes : readAll(TOPICS.names().models(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            try {
                ModelVersion m = d.deserialize(TOPICS.names().models(), bytes);
                if (m != null && m.getModel().equals(model)) {
                    out.add(m);
                }
            } catch (org.apache.kafka.common.errors.SerializationException e) {
                // not a model version
            }
        }
        return out;
    }

    /** Waits until the request reaches a terminal state; returns all its statuses in order. */
    List<TrainingStatus> awaitTerminal(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Predicate<TrainingStatus> terminal = s -> s.getState() == TrainingState.SUCCEEDED || s.getState() == TrainingState.FAILED;
        while (System.nanoTime() < deadline) {
            List<TrainingStatus> s = statuses(requestId);
            if (s.stream().anyMatch(terminal)) {
                return s;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("request " + requestId + " did not finish within " + timeout + "; statuses: " + statuses(requestId));
    }
}
