package io.normalcy.trainer.history;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.schemas.mapping.MappingException;
import io.normalcy.schemas.mapping.OptionalFeatures;
import io.normalcy.schemas.mapping.RecordMapper;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.registry.UnknownSchemaException;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.trainer.config.ModelDefinition;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * History of one model from the features topic. The window is applied twice: to Kafka record timestamps to
 * find the offset range ({@link TopicWindowReader}), and to {@code FeatureVector.eventTime}, which is what
 * {@code RetrainRequest.windowStart/End} promise. Producers that set the record timestamp to the event time
 * (the default with CreateTime when both are "now") see no difference; a record whose two clocks fall on
 * different sides of a window edge is left out. Values are decoded as Avro or JSON per record; undecodable
 * ones are counted as {@link SkipReason#UNDECODABLE}, never fatal. Schema-registry (Confluent) framed records are
 * decoded through the registry with the detector's decoding ({@link FeatureVectorSerde#withRegistry}); an id the
 * registry does not know is {@link SkipReason#UNKNOWN_SCHEMA}, while a registry that cannot answer (after the
 * client's retries) fails the read: a model must not be trained on the part of the history that happened to decode.
 * read_committed, so aborted transactions never train a model.
 *
 * <p>Topics with a {@link RecordMapping} ({@code normalcy.trainer.mappings}) carry raw records, turned into vectors
 * by the {@link RecordMapper} the detector uses too (one implementation: a model is trained on exactly the vectors it
 * will score); a record that does not fit is {@link SkipReason#UNMAPPABLE}, with the failing path. A model named by
 * a mapping's constant {@code model} is trained from that mapping's topic; every other model from the features topic.
 */
public final class TopicHistorySource {
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Duration readTimeout;
    private final SchemaRegistryClient registry;
    private final Map<String, RecordMapping> mappings;
    private final HistoryLimit limit;

    public TopicHistorySource(Map<String, Object> clientConfig, String topic, Duration readTimeout) {
        this(clientConfig, topic, readTimeout, null);
    }

    /** @param registry schema registry for Confluent-framed records, or null when none is configured */
    public TopicHistorySource(Map<String, Object> clientConfig, String topic, Duration readTimeout,
                              SchemaRegistryClient registry) {
        this(clientConfig, topic, readTimeout, registry, Map.of());
    }

    /**
     * @param topic    the features topic: history of every model no mapping names
     * @param mappings topic → mapping of the raw records it carries
     */
    public TopicHistorySource(Map<String, Object> clientConfig, String topic, Duration readTimeout,
                              SchemaRegistryClient registry, Map<String, RecordMapping> mappings) {
        this(clientConfig, topic, readTimeout, registry, mappings, HistoryLimit.DEFAULT);
    }

    /** @param limit bound of each entity's history for derived features ({@code normalcy.trainer.history.*}) */
    public TopicHistorySource(Map<String, Object> clientConfig, String topic, Duration readTimeout,
                              SchemaRegistryClient registry, Map<String, RecordMapping> mappings, HistoryLimit limit) {
        this.limit = limit;
        this.registry = registry;
        this.mappings = Map.copyOf(mappings);
        this.consumerConfig = new HashMap<>(clientConfig);
        this.consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.topic = topic;
        this.readTimeout = readTimeout;
    }

    public History read(ModelDefinition def, Long from, Long to, long maxRecords) {
        try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return read(consumer, def, from, to, maxRecords);
        }
    }

    /** The topic {@code model}'s history is read from: its mapping's topic, else the features topic. */
    public String topicOf(String model) {
        return mappings.values().stream().filter(m -> model.equals(m.model())).map(RecordMapping::topic)
                .sorted().findFirst().orElse(topic);
    }

    /** Reads with a given consumer (tests pass a MockConsumer). */
    public History read(Consumer<String, byte[]> consumer, ModelDefinition def, Long from, Long to, long maxRecords) {
        HistoryCollector collector = new HistoryCollector(def, maxRecords, limit);
        String model = def.name();
        String source = topicOf(model);
        Decoder decoder = decoder(mappings.get(source), def);
        TopicWindowReader<String, byte[]> reader = new TopicWindowReader<>(consumer, Duration.ofMillis(500), readTimeout);
        TopicWindowReader.Result result = reader.read(source, from, to, Long.MAX_VALUE, rec -> {
            String where = rec.topic() + "-" + rec.partition() + "@" + rec.offset();
            FeatureVector v;
            try {
                v = decoder.decode(rec);
            } catch (UnknownSchemaException e) {
                collector.skip(SkipReason.UNKNOWN_SCHEMA, where + ": " + e.getMessage());
                return false;
            } catch (io.normalcy.schemas.registry.RegistryUnavailableException e) {
                throw e;
            } catch (MappingException e) {
                collector.skip(SkipReason.UNMAPPABLE, where + ": " + e.getMessage());
                return false;
            } catch (RuntimeException e) {
                collector.skip(SkipReason.UNDECODABLE, where + ": " + e.getMessage());
                return false;
            }
            if (v == null || !model.equals(v.getModel())) {
                return false;
            }
            long et = v.getEventTime().toEpochMilli();
            if ((from != null && et < from) || (to != null && et >= to)) {
                return false;
            }
            return collector.offer(FeatureVectors.toRaw(v), v.getEntity(), where);
        });
        return new History(collector.rows(), collector.features(), collector.skips(), collector.offered(),
                collector.dropped(), result.endOffsets(), from, to, "topic " + source);
    }

    /** One record's vector: through the topic's mapping, else as a FeatureVector (Avro, JSON or registry-framed). */
    private interface Decoder {
        FeatureVector decode(ConsumerRecord<String, byte[]> rec);
    }

    /**
     * A mapped record of {@code def}'s model may lack the features whose missing-value policy is not dead-letter: they
     * are left out of its vector, so the row is counted as a {@link SkipReason#MISSING_FEATURE} skip (left out of
     * training) instead of an {@link SkipReason#UNMAPPABLE} one, as the detector scores it by its policy.
     */
    private Decoder decoder(RecordMapping mapping, ModelDefinition def) {
        if (mapping != null) {
            RecordMapper mapper = new RecordMapper(mapping, registry);
            java.util.Set<String> optional = def.missing().policies(def.features()).keySet();
            OptionalFeatures ofModel = m -> def.name().equals(m) ? optional : java.util.Set.of();
            return rec -> mapper.map(rec.topic(), rec.key(), rec.timestamp(), rec.value(), ofModel);
        }
        FeatureVectorSerde serde = FeatureVectorSerde.withRegistry(registry);
        return rec -> serde.deserialize(rec.topic(), rec.value());
    }
}
