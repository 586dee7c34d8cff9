package io.normalcy.trainer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.ApicurioRegistry;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The trainer's history reader against a REAL registry server (Apicurio Registry through its Confluent-compatible
 * API, testkit's {@link ApicurioRegistry}) on the real (in-JVM KRaft) broker: Confluent-framed feature vectors of the
 * current and of an older writer schema (no {@code attributes}/{@code eventId}: their defaults) are all read, an id
 * the registry does not know is skipped as UNKNOWN_SCHEMA, and with the registry process stopped the read fails as
 * unavailable instead of returning part of the history. Training on such a history is {@link RegistryHistoryIT}'s.
 */
class RegistryHistoryApicurioIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    Path work;

    private static final String MODEL = "framed-apicurio";
    private static final Schema OLDER = RegistryHistoryIT.OLDER;

    @Test
    void framedHistoryDecodesThroughARealRegistryAndItsOutageFailsTheRead(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        new KafkaIo(bootstrap).createTopics();
        String topic = KafkaIo.TOPICS.names().features();
        long start = System.currentTimeMillis() - 3_600_000;
        List<FeatureVector> vectors = Synthetic.vectors(MODEL, 600, 17, start, 3_000_000);
        try (ApicurioRegistry registry = ApicurioRegistry.start(work)) {
            int current = registry.register(topic + "-value", FeatureVector.getClassSchema().toString());
            int older = registry.register(topic + "-value", OLDER.toString());
            int unknown = Math.max(current, older) + 777;
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < vectors.size(); i++) {
                    FeatureVector v = vectors.get(i);
                    byte[] value = i % 2 == 0 ? ConfluentAvroDecoder.encode(current, FeatureVector.getClassSchema(), v)
                            : ConfluentAvroDecoder.encode(older, OLDER, asOlder(v));
                    p.send(new ProducerRecord<>(topic, null, v.getEventTime().toEpochMilli(), v.getEntity(), value));
                }
                FeatureVector first = vectors.get(0);
                p.send(new ProducerRecord<>(topic, null, first.getEventTime().toEpochMilli(), "unknown",
                        ConfluentAvroDecoder.encode(unknown, FeatureVector.getClassSchema(), first))).get();
            }
            Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            ModelRegistry models = new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2",
                    "categorical-context", "region")));
            TopicHistorySource source = new TopicHistorySource(consumer, topic, Duration.ofSeconds(60),
                    new SchemaRegistryClient(RegistrySettings.of("normalcy.trainer.registry", registry.url())));
            History h = source.read(models.find(MODEL).orElseThrow(), start, start + 3_600_000, 100_000);
            assertEquals(vectors.size(), h.rows().size(), "every framed record of both writer schemas is used");
            assertEquals(Map.of("UNKNOWN_SCHEMA", 1L), h.skips().byReason());

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
