package io.normalcy.detector.topology;

import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.InputFormat;
import io.normalcy.schemas.mapping.OptionalFeatures;
import io.normalcy.schemas.mapping.RecordMapper;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.schemas.serde.Format;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes feature-vector bytes in the format configured for their topic. AUTO picks Avro when the value starts
 * with the single-object marker {@code C3 01}, JSON when it starts with <code>{</code>
 * ({@link FeatureVectorSerde#detect}), and the schema-registry (Confluent) framing when it starts with {@code 00}
 * (decoded by the shared {@link FeatureVectorSerde#deserializeFramed}). Every bad record is a
 * {@link SerializationException} whose message names the topic and the problem (the dead letter carries it); an
 * unknown schema id is its subclass {@code UnknownSchemaException}. A registry that cannot answer throws
 * {@code RegistryUnavailableException}, which is not a verdict on the record. A topic with a
 * {@link RecordMapping} carries raw records instead, turned into vectors by the {@link RecordMapper} the trainer's
 * history reader uses too; a record that does not fit is a {@link io.normalcy.schemas.mapping.MappingException}
 * naming the path. Not thread-safe (one per task).
 */
public final class FeatureDecoder {
    private final AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
    private final FeatureVectorJsonSerde json = new FeatureVectorJsonSerde();
    private final FeatureVectorSerde shared;
    private final DetectorSettings settings;
    private final Map<String, RecordMapper> mappers = new HashMap<>();
    /** The topic of the previous record (compared by identity) with its mapper and format: see {@link #decode}. */
    private String lastTopic;
    private RecordMapper lastMapper;
    private InputFormat lastFormat;

    /** @param registry schema registry for Confluent-framed records, or null when none is configured */
    public FeatureDecoder(DetectorSettings settings, SchemaRegistryClient registry) {
        this.settings = settings;
        this.shared = FeatureVectorSerde.withRegistry(registry);
        settings.mappings().forEach((topic, m) -> mappers.put(topic, new RecordMapper(m, registry)));
    }

    /**
     * The feature vector of one input record.
     *
     * @param key       the record key (the entity of a mapping with {@code entity: @key}, read as UTF-8), or null
     * @param timestamp the record timestamp (the event time of a mapping with {@code event-time: @timestamp})
     */
    public FeatureVector decode(String topic, byte[] key, long timestamp, byte[] value) {
        return decode(topic, key, timestamp, value, OptionalFeatures.NONE);
    }

    /**
     * {@link #decode(String, byte[], long, byte[])}; a mapped record may lack the features {@code optional} names for
     * its model (missing-value policy impute or skip): they are left out of the vector for the scorer to handle.
     */
    public FeatureVector decode(String topic, byte[] key, long timestamp, byte[] value, OptionalFeatures optional) {
        // per record only when the topic changes: a task's records come with one topic string per input topic
        if (topic != lastTopic || lastFormat == null) {
            lastMapper = mappers.get(topic);
            lastFormat = settings.formatOf(topic);
            lastTopic = topic;
        }
        RecordMapper mapper = lastMapper;
        if (mapper != null) {
            return validated(topic, mapper.map(topic, key == null ? null : new String(key, StandardCharsets.UTF_8),
                    timestamp, value, optional));
        }
        if (value == null) {
            throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic
                    + "': null value (tombstone) where a feature vector was expected");
        }
        InputFormat format = lastFormat;
        if (format == InputFormat.AUTO && ConfluentAvroDecoder.isFramed(value)) {
            return validated(topic, shared.deserializeFramed(topic, value));
        }
        if (format == InputFormat.AUTO) {
            Format detected = FeatureVectorSerde.detect(value);
            if (detected == null) {
                throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic
                        + "': neither Avro single-object encoding (C3 01 ...) nor a JSON object");
            }
            format = detected == Format.AVRO ? InputFormat.AVRO : InputFormat.JSON;
        }
        return validated(topic, format == InputFormat.AVRO ? avro.deserialize(topic, value)
                : json.deserialize(topic, value));
    }

    private static FeatureVector validated(String topic, FeatureVector fv) {
        if (fv == null) {
            throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic + "': empty record");
        }
        if (fv.getModel() == null || fv.getModel().isBlank()) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'model' is blank");
        }
        if (fv.getEntity() == null) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'entity' is missing");
        }
        if (fv.getFeatures() == null) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'features' is missing");
        }
        return fv;
    }
}
