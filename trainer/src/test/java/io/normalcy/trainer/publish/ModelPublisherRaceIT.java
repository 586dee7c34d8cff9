package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelControlAction;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Version numbers cannot collide (issue 10): two publishers (two trainer instances, each with its own catalog and
 * producers) publish the same model at the same time on a real broker. Every version is published exactly once,
 * and the RETIRE records keep the last three.
 */
class ModelPublisherRaceIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    private static final String MODEL = "race";
    private static final int PER_PUBLISHER = 5;
    private static final RecordSigner SIGNER = new RecordSigner(ModelSigner.hmacKey(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), "k-race");

    @Test
    void twoTrainersPublishingTheSameModelNeverTakeTheSameVersion(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, List.of(topics.models()));
        }
        String topic = topics.names().models();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int trainer = 0; trainer < 2; trainer++) {
                ModelPublisher publisher = publisher(bootstrap, topic, "trainer-" + trainer);
                runs.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < PER_PUBLISHER; i++) {
                        published.add(publisher.publish(MODEL, v -> SIGNER.sign(FakeModelsTopic.model(MODEL, v)))
                                .getVersion());
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> all = LongStream.rangeClosed(1, 2 * PER_PUBLISHER).boxed().toList();
        assertEquals(all, new TreeSet<>(published).stream().toList(), "every number once: " + published);

        List<Long> onTopic = new ArrayList<>();
        TreeSet<Long> retired = new TreeSet<>();
        ModelsTopicDecoder codec = new ModelsTopicDecoder();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "reader")) {
            TopicReader.readToEnd(c, topic, TopicReader.fromBeginning(), null, Duration.ofSeconds(30), r -> {
                ModelsTopicDecoder.Decoded d = codec.decode(topic, r.value());
                if (d.isVersion()) {
                    onTopic.add(d.version().getVersion());
                } else if (d.control().getAction() == ModelControlAction.RETIRE) {
                    retired.add(d.control().getVersion());
                }
            });
        }
        onTopic.sort(null);
        assertEquals(all, onTopic, "no version was committed twice");
        assertEquals(LongStream.rangeClosed(1, 2 * PER_PUBLISHER - 3).boxed().toList(), retired.stream().toList());
    }

    private static ModelPublisher publisher(String bootstrap, String topic, String instance) {
        ModelCatalog catalog = new ModelCatalog(() -> consumer(bootstrap, instance), partitions -> {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                return TopicReader.writtenEnd(admin).of(partitions);
            }
        }, topic, Duration.ofSeconds(60));
        return new ModelPublisher(id -> {
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-models");
            return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }, catalog, topic, SIGNER, 3, Clock.systemUTC());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String instance) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, instance + "-models-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
