package io.normalcy.schemas.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.schemas.serde.Format;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.schemas.serde.GenericAvroDecoder;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Turns one raw record of a mapped topic into a {@link FeatureVector} by its {@link RecordMapping}: the one
 * implementation behind the detector's input decoding and the trainer's history reader, so the vectors a model is
 * trained on and the vectors it scores cannot differ.
 *
 * <p>Encodings: a JSON object (first byte <code>{</code> after blanks or a byte-order mark) and schema-registry
 * (Confluent) framed Avro of any schema ({@code 00} + schema id, read through the registry as a generic record).
 * Avro single-object encoding ({@code C3 01}) and plain Avro binary carry no schema id a mapping could resolve and are
 * refused, naming the encoding. Every record that does not fit is a {@link MappingException} naming the failing path;
 * an unknown schema id and a registry outage propagate as the registry client's exceptions, unchanged, so callers treat
 * them as they do for feature vectors. Thread-safe.
 */
public final class RecordMapper {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final RecordMapping mapping;
    private final GenericAvroDecoder avro;

    /** @param registry schema registry for Confluent-framed records, or null when none is configured */
    public RecordMapper(RecordMapping mapping, SchemaRegistryClient registry) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.avro = registry == null ? null : new GenericAvroDecoder(registry);
    }

    public RecordMapping mapping() {
        return mapping;
    }

    /**
     * @param key       the record key as text (UTF-8), or null
     * @param timestamp the Kafka record timestamp (epoch ms)
     * @throws MappingException when the record does not fit the mapping, naming the path
     */
    public FeatureVector map(String topic, String key, long timestamp, byte[] value) {
        return map(topic, key, timestamp, value, OptionalFeatures.NONE);
    }

    /**
     * {@link #map(String, String, long, byte[])}, leaving out of the vector each feature in {@code optional}'s set for
     * the record's model whose path is absent or null: a missing feature, which the scorer handles by the model's
     * missing-value policy. A present value of the wrong type is still a {@link MappingException}.
     */
    public FeatureVector map(String topic, String key, long timestamp, byte[] value, OptionalFeatures optional) {
        Object root = decode(topic, value);
        try {
            return vector(root, key, timestamp, optional);
        } catch (MappingException e) {
            throw new MappingException(e.path(), "mapping " + mapping.name() + " (topic '" + topic + "'): "
                    + e.getMessage());
        }
    }

    private FeatureVector vector(Object root, String key, long timestamp, OptionalFeatures optional) {
        String model = mapping.model() != null ? mapping.model() : nonBlank(mapping.modelPath(), root);
        String entity;
        if (mapping.entity() == null) {
            if (key == null) {
                throw new MappingException(RecordMappings.KEY, "entity is the record key (" + RecordMappings.KEY
                        + "), but the record has none");
            }
            entity = key;
        } else {
            entity = nonBlank(mapping.entity(), root);
        }
        FeatureVector.Builder b = FeatureVector.newBuilder().setModel(model).setEntity(entity)
                .setEventTime(Instant.ofEpochMilli(mapping.eventTime().toEpochMilli(root, timestamp)))
                .setFeatures(features(root, optional.of(model)))
                .setContext(each(mapping.context(), root, (p, r) -> Values.text(Values.required(p, r), p)))
                .setContextNumeric(each(mapping.contextNumeric(), root, Values::number))
                .setAttributes(attributes(root));
        if (mapping.eventId() != null) {
            Object id = mapping.eventId().resolve(root);
            b.setEventId(id == null ? null : Values.text(id, mapping.eventId()));
        }
        return b.build();
    }

    private Object decode(String topic, byte[] value) {
        if (value == null) {
            throw new MappingException(null, where(topic) + "null value (tombstone)");
        }
        if (ConfluentAvroDecoder.isFramed(value)) {
            if (avro == null) {
                throw new MappingException(null, where(topic) + "schema-registry (Confluent) framed Avro but no schema"
                        + " registry is configured (set the service's registry.url)");
            }
            return avro.decode(topic, value);
        }
        Format format = FeatureVectorSerde.detect(value);
        if (format == Format.JSON) {
            try {
                return JSON.readTree(value);
            } catch (JsonProcessingException e) {
                throw new MappingException(null, where(topic) + "invalid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new MappingException(null, where(topic) + "invalid JSON: " + e.getMessage());
            }
        }
        throw new MappingException(null, where(topic) + (format == Format.AVRO
                ? "Avro single-object encoding (C3 01) has no schema id to read it with; mapped topics take JSON"
                + " objects or schema-registry framed Avro"
                : value.length == 0 ? "empty value" : "neither a JSON object nor schema-registry framed Avro"));
    }

    /** The prefix of a decoding error's message (built only for errors, not per record). */
    private String where(String topic) {
        return "mapping " + mapping.name() + " (topic '" + topic + "'): ";
    }

    private static String nonBlank(FieldPath path, Object root) {
        String s = Values.text(Values.required(path, root), path);
        if (s.isBlank()) {
            throw new MappingException(path.toString(), "path '" + path + "' is blank");
        }
        return s;
    }

    /** The mapped features; an {@code optional} one whose path is absent or null is left out (missing). */
    private Map<String, Double> features(Object root, java.util.Set<String> optional) {
        if (optional.isEmpty()) {
            return each(mapping.features(), root, Values::number);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        mapping.features().forEach((name, path) -> {
            if (!optional.contains(name) || path.resolve(root) != null) {
                out.put(name, Values.number(path, root));
            }
        });
        return out;
    }

    private static <V> Map<String, V> each(Map<String, FieldPath> paths, Object root,
                                           BiFunction<FieldPath, Object, V> read) {
        Map<String, V> out = new LinkedHashMap<>();
        paths.forEach((name, path) -> out.put(name, read.apply(path, root)));
        return out;
    }

    /** Attributes are optional: one the record lacks is left out, so alerts carry what there is. */
    private Map<String, String> attributes(Object root) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping.attributes().forEach((name, path) -> {
            Object v = path.resolve(root);
            if (v != null) {
                out.put(name, v instanceof JsonNode n && n.isContainerNode() ? n.toString()
                        : v instanceof org.apache.avro.generic.GenericContainer || v instanceof Map<?, ?>
                        || v instanceof java.util.List<?> ? String.valueOf(v) : Values.text(v, path));
            }
        });
        return out;
    }
}
