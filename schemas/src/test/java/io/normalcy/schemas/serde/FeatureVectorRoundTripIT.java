package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.Fixtures;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Mixed Avro and JSON producers on one features topic, read by the auto-detecting serde. */
@ExtendWith(KafkaBrokerExtension.class)
class FeatureVectorRoundTripIT {

    @Test
    void avroAndJsonProducersShareTheFeaturesTopic(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        TopicDescriptor<String, FeatureVector> features =
                new Topics(TopicNames.withPrefix("it-roundtrip."), 1, TopicDescriptor.BROKER_DEFAULT).features();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, List.of(features));
        }
        FeatureVector a = Fixtures.featureVectorFull();
        FeatureVector b = Fixtures.featureVectorMinimal();
        FeatureVector c = FeatureVector.newBuilder(b).setEntity("card-2").setFeatures(Map.of("amount", 99.0)).build();
        FeatureVector d = FeatureVector.newBuilder(b).setEntity("card-3").setEventId("after-poison").build();
        String readme = "{\"model\":\"payments\",\"entity\":\"card-1\",\"eventTime\":\"2026-11-24T10:00:00Z\","
                + "\"context\":{\"region\":\"eu\"},\"features\":{\"amount\":12.5}}";

        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var avroProducer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                features.valueSerde().serializer());
             var jsonProducer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                     NormalcySerdes.featureVector(Format.JSON).serializer());
             var rawProducer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            avroProducer.send(new ProducerRecord<>(features.name(), a.getEntity(), a)).get();
            jsonProducer.send(new ProducerRecord<>(features.name(), b.getEntity(), b)).get();
            avroProducer.send(new ProducerRecord<>(features.name(), c.getEntity(), c)).get();
            rawProducer.send(new ProducerRecord<>(features.name(), "card-1", readme.getBytes(StandardCharsets.UTF_8))).get();
            rawProducer.send(new ProducerRecord<>(features.name(), "bad", "garbage".getBytes(StandardCharsets.UTF_8))).get();
            avroProducer.send(new ProducerRecord<>(features.name(), d.getEntity(), d)).get();
        }

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                features.keySerde().deserializer(), features.valueSerde().deserializer())) {
            TopicPartition tp = new TopicPartition(features.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<FeatureVector> got = new ArrayList<>();
            RecordDeserializationException failure = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.value()));
                } catch (RecordDeserializationException e) {
                    failure = e;
                }
            }
            FeatureVector fromReadme = FeatureVector.newBuilder().setModel("payments").setEntity("card-1")
                    .setEventTime(Instant.parse("2026-11-24T10:00:00Z")).setContext(Map.of("region", "eu"))
                    .setFeatures(Map.of("amount", 12.5)).build();
            assertEquals(List.of(a, b, c, fromReadme), got);
            assertTrue(failure != null, "the garbage record surfaces as a deserialization error");
            assertEquals(4L, failure.offset());
            assertTrue(failure.getCause().getMessage().contains("neither Avro single-object"), failure.getCause().getMessage());
            // the application decides: skip the poison record and carry on
            consumer.seek(tp, failure.offset() + 1);
            List<FeatureVector> after = new ArrayList<>();
            while (after.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> after.add(r.value()));
            }
            assertEquals(List.of(d), after);
        }
    }
}
