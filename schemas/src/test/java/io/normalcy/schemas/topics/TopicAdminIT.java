package io.normalcy.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.Fixtures;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.NamedTensors;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicAdminIT {

    private static Admin admin;
    private static String bootstrap;

    @BeforeAll
    static void connect(KafkaBroker broker) {
        bootstrap = broker.bootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    private static Config config(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get().get(r);
    }

    @Test
    void ensureTopicsIsIdempotentAndAppliesConfigs() throws Exception {
        Topics topics = new Topics(TopicNames.withPrefix("it-admin."), 2, TopicDescriptor.BROKER_DEFAULT);
        List<String> names = topics.names().all();

        TopicAdmin.Report first = TopicAdmin.ensureTopics(admin, topics.all());
        assertEquals(names, first.created());
        assertEquals(List.of(), first.existing());

        TopicAdmin.Report second = TopicAdmin.ensureTopics(admin, topics.all());
        assertEquals(List.of(), second.created());
        assertEquals(names, second.existing());
        assertEquals(List.of(), second.mismatches());

        Config models = config("it-admin.models");
        assertEquals("compact", models.get("cleanup.policy").value());
        assertEquals("16777216", models.get("max.message.bytes").value());
        assertEquals(Long.toString(Topics.COMPACTION_LAG.toMillis()), models.get("min.compaction.lag.ms").value());
        assertEquals("compact", config("it-admin.subscriptions").get("cleanup.policy").value());
        assertEquals("delete", config("it-admin.features").get("cleanup.policy").value());
        assertEquals(Long.toString(Topics.DLQ_RETENTION.toMillis()), config("it-admin.dlq").get("retention.ms").value());
        var described = admin.describeTopics(List.of("it-admin.features", "it-admin.models")).allTopicNames().get();
        assertEquals(2, described.get("it-admin.features").partitions().size());
        assertEquals(1, described.get("it-admin.models").partitions().size());
    }

    @Test
    void existingTopicWithWrongPolicyIsReportedAndLeftAlone() throws Exception {
        admin.createTopics(List.of(new NewTopic("it-mismatch.models", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "delete")))).all().get();
        Topics topics = new Topics(TopicNames.withPrefix("it-mismatch."), 1, TopicDescriptor.BROKER_DEFAULT);

        TopicAdmin.Report report = TopicAdmin.ensureTopics(admin, List.of(topics.models(), topics.subscriptions()));

        assertEquals(List.of("it-mismatch.subscriptions"), report.created());
        assertEquals(List.of("it-mismatch.models"), report.existing());
        assertTrue(report.mismatches().stream().anyMatch(m -> m.contains("it-mismatch.models has cleanup.policy=delete")
                && m.contains("expects compact")), report.mismatches().toString());
        assertEquals("delete", config("it-mismatch.models").get("cleanup.policy").value());
    }

    @Test
    void concurrentCallsBothSucceed() throws Exception {
        Topics topics = new Topics(TopicNames.withPrefix("it-race."), 1, TopicDescriptor.BROKER_DEFAULT);
        Collection<TopicDescriptor<?, ?>> all = topics.all();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<TopicAdmin.Report> call = () -> TopicAdmin.ensureTopics(admin, all);
            List<Future<TopicAdmin.Report>> futures = pool.invokeAll(List.of(call, call));
            List<String> created = new ArrayList<>();
            for (Future<TopicAdmin.Report> f : futures) {
                TopicAdmin.Report r = f.get();
                created.addAll(r.created());
                assertEquals(all.size(), r.created().size() + r.existing().size());
            }
            assertEquals(all.size(), created.size(), "each topic created exactly once: " + created);
            assertEquals(new HashSet<>(topics.names().all()), new HashSet<>(created));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void modelsTopicAcceptsMultiMegabyteModels() throws Exception {
        Topics topics = new Topics(TopicNames.withPrefix("it-big."), 1, TopicDescriptor.BROKER_DEFAULT);
        TopicDescriptor<String, ModelVersion> models = topics.models();
        TopicAdmin.ensureTopics(admin, List.of(models));
        float[] weights = new float[750_000]; // 3 MB: above the 1 MB broker default
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i * 1e-3f;
        }
        ModelVersion big = ModelDigests.withDigest(ModelVersion.newBuilder(Fixtures.modelVersionFull())
                .setTensors(List.of(NamedTensors.of("b0.ar.w0", new int[] {750, 1000}, weights))).build());

        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES),
                models.keySerde().serializer(), models.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(models.name(), "payments", big)).get();
        }
        try (KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), models.keySerde().deserializer(),
                models.valueSerde().deserializer())) {
            TopicPartition tp = new TopicPartition(models.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, ModelVersion>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            assertEquals(1, got.size());
            ModelVersion back = got.get(0).value();
            assertTrue(ModelDigests.matches(back), "digest survives the round trip");
            assertEquals(Set.of("b0.ar.w0"), Set.of(back.getTensors().get(0).getName()));
        }
    }
}
