package io.normalcy.trainer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.SchemaRegistryServer;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;

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

/**
 * The steps {@link RegistryHistoryIT} (the in-JVM stand-in registry) and {@link RegistryHistoryApicurioIT} (a real
 * registry server) share, written once so that the two state only what differs: which registry runs, how many
 * records, and what else is checked (training on the history). Confluent-framed feature vectors of the current and of
 * an older writer schema (no attributes, no numeric context: their defaults) go to the features topic of the real
 * broker, plus one record framed with an id the registry does not know; the history reader must use every framed
 * record, skip the unknown id as UNKNOWN_SCHEMA, and fail the read as unavailable once the registry is stopped.
 */
final class FramedHistoryScenario {
    /** FeatureVector as an older producer wrote it (no attributes, no numeric context). */
    static final Schema OLDER = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"FeatureVector\","
            + "\"namespace\":\"io.normalcy.avro\",\"fields\":[{\"name\":\"model\",\"type\":\"string\"},"
            + "{\"name\":\"entity\",\"type\":\"string\"},{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
            + "\"logicalType\":\"timestamp-millis\"}},{\"name\":\"context\",\"type\":{\"type\":\"map\","
            + "\"values\":\"string\"}},{\"name\":\"features\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}");
    private static final String KEY = "normalcy.trainer.registry";
    private static final long WINDOW_MS = 3_600_000;

    /** The window's start; its end is an hour later. */
    final long start;
    /** The framed vectors written, in the order written. */
    final List<FeatureVector> vectors;
    private final Map<String, Object> consumer;
    private final String topic;

    private FramedHistoryScenario(String bootstrap, String topic, long start, List<FeatureVector> vectors) {
        this.consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.topic = topic;
        this.start = start;
        this.vectors = vectors;
    }

    /**
     * Creates the topics, registers the current and the older writer schema with {@code registry} and writes
     * {@code count} synthetic vectors of {@code model} framed alternately with each, then one framed with an id the
     * registry does not know (entity {@code unknown}).
     */
    static FramedHistoryScenario write(String bootstrap, SchemaRegistryServer registry, String model, int count,
                                       long seed) throws Exception {
        new KafkaIo(bootstrap).createTopics();
        String topic = KafkaIo.TOPICS.names().features();
        long start = System.currentTimeMillis() - WINDOW_MS;
        List<FeatureVector> vectors = Synthetic.vectors(model, count, seed, start, 3_000_000);
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
        return new FramedHistoryScenario(bootstrap, topic, start, vectors);
    }

    /** The window's end (exclusive). */
    long end() {
        return start + WINDOW_MS;
    }

    /** A history reader of the features topic decoding through {@code registry} with the trainer's client. */
    TopicHistorySource source(SchemaRegistryServer registry) {
        return source(RegistrySettings.of(KEY, registry.url()));
    }

    private TopicHistorySource source(RegistrySettings settings) {
        return new TopicHistorySource(consumer, topic, Duration.ofSeconds(60), new SchemaRegistryClient(settings));
    }

    /** Reads the window: every framed record of both writer schemas is used, the unknown id is the one skip. */
    History readsEveryFramedRecord(TopicHistorySource source, ModelDefinition def) {
        History h = source.read(def, start, end(), 100_000);
        assertEquals(vectors.size(), h.rows().size(), "every framed record of both writer schemas is used");
        assertEquals(Map.of("UNKNOWN_SCHEMA", 1L), h.skips().byReason());
        return h;
    }

    /** Stops {@code registry}: a read then fails as unavailable instead of returning part of the history. */
    void registryOutageFailsTheRead(SchemaRegistryServer registry, ModelDefinition def) throws Exception {
        registry.stop();
        TopicHistorySource cold = source(RegistrySettings.of(KEY, registry.url()).withMaxBlock(Duration.ofMillis(300)));
        assertThrows(RegistryUnavailableException.class, () -> cold.read(def, start, end(), 100_000));
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
