package io.normalcy.schemas.serde;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Feature-vector serde for topics with mixed producers: every record is decoded according to its
 * first bytes, {@code C3 01} → Avro single-object ({@link AvroSerde}), {@code '{'} (after optional
 * whitespace or a UTF-8 byte-order mark) → JSON ({@link FeatureVectorJsonSerde}); anything else is a
 * {@link org.apache.kafka.common.errors.SerializationException}. The two cannot be confused: 0xC3 is
 * not valid as the first byte of a JSON document. A third encoding, the Confluent wire format ({@code 00} + 4-byte
 * schema id + Avro binary, {@link ConfluentAvroDecoder}), is read when the serde was built with a schema registry
 * ({@link #withRegistry}); without one such a record is a SerializationException that says so. This is the one
 * decoding the detector and the trainer's history reader share.
 *
 * <p>Writes in one {@link Format} (default {@link Format#AVRO}); when Kafka instantiates the class by
 * name, the config {@value #FORMAT_CONFIG} ({@code AVRO} or {@code JSON}) selects it.
 */
public class FeatureVectorSerde implements Serde<FeatureVector>, Serializer<FeatureVector>, Deserializer<FeatureVector> {

    /** Kafka client config key selecting the written format. */
    public static final String FORMAT_CONFIG = "normalcy.feature.format";

    private final AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
    private final FeatureVectorJsonSerde json = new FeatureVectorJsonSerde();
    private final ConfluentAvroDecoder<FeatureVector> registry;
    private Format writeFormat;

    /** Writes Avro; reads both formats. */
    public FeatureVectorSerde() {
        this(Format.AVRO);
    }

    /** Writes {@code writeFormat}; reads both formats. */
    public FeatureVectorSerde(Format writeFormat) {
        this(writeFormat, null);
    }

    private FeatureVectorSerde(Format writeFormat, SchemaRegistryClient registry) {
        this.writeFormat = Objects.requireNonNull(writeFormat, "writeFormat");
        this.registry = registry == null ? null : new ConfluentAvroDecoder<>(FeatureVector.class, registry);
    }

    /** Writes Avro; reads single-object Avro, JSON and, through {@code registry} (may be null), Confluent framing. */
    public static FeatureVectorSerde withRegistry(SchemaRegistryClient registry) {
        return new FeatureVectorSerde(Format.AVRO, registry);
    }

    /**
     * Decodes a Confluent-framed record ({@link ConfluentAvroDecoder#isFramed}) through the registry.
     *
     * @throws org.apache.kafka.common.errors.SerializationException when no registry is configured, the id is unknown
     *         ({@link io.normalcy.schemas.registry.UnknownSchemaException}) or the body is bad
     * @throws io.normalcy.schemas.registry.RegistryUnavailableException when the registry cannot answer now
     */
    public FeatureVector deserializeFramed(String topic, byte[] data) {
        if (registry == null) {
            String id = data.length >= ConfluentAvroDecoder.HEADER_LENGTH
                    ? "schema id " + ByteBuffer.wrap(data, 1, 4).getInt() : "truncated header";
            throw SerdeErrors.deserialization("FeatureVector", topic, "schema-registry (Confluent) framing (" + id
                    + ") but no schema registry is configured (set the service's registry.url)", data, null);
        }
        return registry.decode(topic, data);
    }

    /** The format {@link #serialize} writes. */
    public Format writeFormat() {
        return writeFormat;
    }

    /** Format of a payload by its first bytes, or null when it is neither. */
    public static Format detect(byte[] data) {
        if (data.length >= 2 && data[0] == AvroSerde.MAGIC_0 && data[1] == AvroSerde.MAGIC_1) {
            return Format.AVRO;
        }
        int i = 0;
        if (data.length >= 3 && data[0] == (byte) 0xEF && data[1] == (byte) 0xBB && data[2] == (byte) 0xBF) {
            i = 3;
        }
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        return i < data.length && data[i] == '{' ? Format.JSON : null;
    }

    @Override
    public byte[] serialize(String topic, FeatureVector data) {
        return writeFormat == Format.JSON ? json.serialize(topic, data) : avro.serialize(topic, data);
    }

    @Override
    public FeatureVector deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (ConfluentAvroDecoder.isFramed(data)) {
            return deserializeFramed(topic, data);
        }
        Format format = detect(data);
        if (format == null) {
            throw SerdeErrors.deserialization("FeatureVector", topic, data.length == 0 ? "empty payload (0 bytes)"
                    : "neither Avro single-object (starts C3 01) nor a JSON object (starts '{')", data, null);
        }
        return format == Format.AVRO ? avro.deserialize(topic, data) : json.deserialize(topic, data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object f = configs.get(FORMAT_CONFIG);
        if (f != null) {
            try {
                writeFormat = Format.valueOf(f.toString().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(FORMAT_CONFIG, f, "expected AVRO or JSON");
            }
        }
    }

    @Override
    public Serializer<FeatureVector> serializer() {
        return this;
    }

    @Override
    public Deserializer<FeatureVector> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // stateless
    }
}
