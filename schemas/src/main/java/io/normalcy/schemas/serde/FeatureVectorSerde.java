package io.normalcy.schemas.serde;

import io.normalcy.avro.FeatureVector;
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
 * not valid as the first byte of a JSON document.
 *
 * <p>Writes in one {@link Format} (default {@link Format#AVRO}); when Kafka instantiates the class by
 * name, the config {@value #FORMAT_CONFIG} ({@code AVRO} or {@code JSON}) selects it.
 */
public class FeatureVectorSerde implements Serde<FeatureVector>, Serializer<FeatureVector>, Deserializer<FeatureVector> {

    /** Kafka client config key selecting the written format. */
    public static final String FORMAT_CONFIG = "normalcy.feature.format";

    private final AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
    private final FeatureVectorJsonSerde json = new FeatureVectorJsonSerde();
    private Format writeFormat;

    /** Writes Avro; reads both formats. */
    public FeatureVectorSerde() {
        this(Format.AVRO);
    }

    /** Writes {@code writeFormat}; reads both formats. */
    public FeatureVectorSerde(Format writeFormat) {
        this.writeFormat = Objects.requireNonNull(writeFormat, "writeFormat");
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
