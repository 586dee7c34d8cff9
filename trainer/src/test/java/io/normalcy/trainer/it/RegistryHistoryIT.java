package io.normalcy.trainer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubSchemaRegistry;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.service.ArtifactStore;
import io.normalcy.trainer.service.TrainerMetrics;
import io.normalcy.trainer.service.TrainingService;
import io.normalcy.trainer.status.StatusReporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's history reader on the real (in-JVM KRaft) broker with Confluent-framed feature vectors of two writer
 * schemas: the history decodes through the registry (an unknown id is skipped as UNKNOWN_SCHEMA) and trains a model;
 * a registry that is down fails the read instead of training on part of the history. The registry is
 * {@link StubSchemaRegistry}, a stand-in for the Confluent-compatible REST API; the read against a real registry
 * server is {@link RegistryHistoryApicurioIT}.
 */
class RegistryHistoryIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    Path work;

    private static final String MODEL = "framed";
    /** FeatureVector as an older producer wrote it (no attributes, no numeric context); shared with the Apicurio IT. */
    static final Schema OLDER = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
            + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
            + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
            + "\"logicalType\":\"timestamp-millis\"}},{\"name\":\"context\",\"type\":{\"type\":\"map\","
            + "\"values\":\"string\"}},{\"name\":\"features\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}");

    @Test
    void framedHistoryTrainsAndARegistryOutageFailsTheReadNotTheRecords(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        KafkaIo io = new KafkaIo(bootstrap);
        io.createTopics();
        String topic = KafkaIo.TOPICS.names().features();
        long start = System.currentTimeMillis() - 3_600_000;
        List<FeatureVector> vectors = Synthetic.vectors(MODEL, 3000, 11, start, 3_000_000);
        try (StubSchemaRegistry registry = new StubSchemaRegistry()) {
            int current = registry.register(topic + "-value", FeatureVector.getClassSchema().toString());
            int older = registry.register(topic + "-value", OLDER.toString());
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < vectors.size(); i++) {
                    FeatureVector v = vectors.get(i);
                    byte[] value = i % 2 == 0 ? ConfluentAvroDecoder.encode(current, FeatureVector.getClassSchema(), v)
                            : ConfluentAvroDecoder.encode(older, OLDER, asOlder(v));
                    p.send(new ProducerRecord<>(topic, null, v.getEventTime().toEpochMilli(), v.getEntity(), value));
                }
                FeatureVector last = vectors.get(0);
                p.send(new ProducerRecord<>(topic, null, last.getEventTime().toEpochMilli(), "unknown",
                        ConfluentAvroDecoder.encode(777, FeatureVector.getClassSchema(), last))).get();
            }
            Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            ModelRegistry models = new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2",
                    "categorical-context", "region", "epochs", "1", "blocks", "1", "hidden", "8",
                    "min-context-samples", "50")));
            TopicHistorySource source = new TopicHistorySource(consumer, topic, Duration.ofSeconds(60),
                    new SchemaRegistryClient(RegistrySettings.of("normalcy.trainer.registry", registry.url())));
            History h = source.read(models.find(MODEL).orElseThrow(), start, start + 3_600_000, 100_000);
            assertEquals(vectors.size(), h.rows().size(), "every framed record of both writer schemas is used");
            assertEquals(Map.of("UNKNOWN_SCHEMA", 1L), h.skips().byReason());

            TrainingService service = new TrainingService(models, source::read, new InProcessRunner(), null, null,
                    new StatusReporter(null, ""), new ArtifactStore(work), new TrainerMetrics(new SimpleMeterRegistry()),
                    null, "it", false);
            TrainingRequest req = new TrainingRequest("r1", MODEL, "it", start, start + 3_600_000, Map.of(),
                    System.currentTimeMillis());
            TrainingService.Outcome outcome = service.run(new TrainingTask(MODEL, req, List.of("r1")));
            assertTrue(outcome.succeeded(), outcome.message());
            assertTrue(outcome.message().contains(vectors.size() + " records"), outcome.message());

            registry.stop();
            TopicHistorySource cold = new TopicHistorySource(consumer, topic, Duration.ofSeconds(60),
                    new SchemaRegistryClient(RegistrySettings.of("normalcy.trainer.registry", registry.url())
                            .withMaxBlock(Duration.ofMillis(300))));
            assertThrows(RegistryUnavailableException.class,
                    () -> cold.read(models.find(MODEL).orElseThrow(), start, start + 3_600_000, 100_000));
        }
    }

    private static GenericRecord asOlder(FeatureVector v) {
        GenericRecord r = new GenericData.Record(OLDER);
        r.put("model", v.getModel());
        r.put("entity", v.getEntity());
        r.put("eventTime", v.getEventTime().toEpochMilli());
        r.put("context", v.getContext());
        r.put("features", v.getFeatures());
        return r;
    }
}
