package io.normalcy.schemas.serde;

import io.normalcy.schemas.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro record using Avro's <a href="https://avro.apache.org/docs/1.12.0/specification/#single-object-encoding">
 * single-object encoding</a>: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the
 * writer schema, then the Avro binary body.
 *
 * <p>Why single-object encoding rather than a schema registry: records are self-describing with a
 * 10-byte overhead and no extra infrastructure; the price is that a reader must know every writer
 * schema, which {@link ReleasedSchemas} guarantees for released versions (backward compatibility:
 * a newer reader decodes older data). Forward compatibility needs the newer schema too, so deploy
 * consumers before producers, or pass an extra {@link SchemaStore} (e.g. backed by a shared directory).
 *
 * <p>Null ↔ null (tombstones of compacted topics). Any malformed input raises
 * {@link SerializationException} naming the record type, the problem and the first bytes; a record is
 * returned only when the whole payload was decoded. Bodies are bounds-checked before decoding
 * ({@link AvroBounds}), so a corrupt length prefix cannot trigger a huge allocation.
 */
public class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Single-object encoding header: magic bytes + 8-byte fingerprint. */
    public static final int HEADER_LENGTH = 10;
    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;

    private final Class<T> type;
    private final String typeName;
    private final Schema schema;
    private final long fingerprint;
    private final SchemaStore writerSchemas;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** Serde for {@code type}, reading its current and every released schema version. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, null);
    }

    /** As {@link #of(Class)}, also resolving writer schemas through {@code extraSchemas} (may be null). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaStore extraSchemas) {
        return new AvroSerde<>(type, extraSchemas);
    }

    protected AvroSerde(Class<T> type, SchemaStore extraSchemas) {
        this.type = Objects.requireNonNull(type, "type");
        this.typeName = type.getSimpleName();
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        SchemaStore.Cache released = ReleasedSchemas.store(type);
        this.writerSchemas = extraSchemas == null ? released : fp -> {
            Schema s = released.findByFingerprint(fp);
            return s != null ? s : extraSchemas.findByFingerprint(fp);
        };
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, writerSchemas);
    }

    /** The record class. */
    public Class<T> type() {
        return type;
    }

    /** The reader (= writer) schema: the generated class's current schema. */
    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!type.isInstance(data)) {
            throw SerdeErrors.serialization(typeName, topic, "got a " + data.getClass().getName(), null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(data, out);
        } catch (IOException | RuntimeException e) {
            throw SerdeErrors.serialization(typeName, topic, "invalid record (" + e + ")", e);
        }
        return out.toByteArray();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Schema writer = checkHeader(topic, data);
        try {
            AvroBounds.check(writer, data, HEADER_LENGTH);
        } catch (IllegalArgumentException e) {
            throw SerdeErrors.deserialization(typeName, topic, e.getMessage(), data, null);
        }
        T record;
        try {
            record = decoder.decode(data);
        } catch (IOException | RuntimeException e) {
            throw SerdeErrors.deserialization(typeName, topic, "corrupt body (" + e + ")", data, e);
        }
        return record;
    }

    /** Validates magic bytes and fingerprint so that errors say exactly what is wrong; returns the writer schema. */
    private Schema checkHeader(String topic, byte[] data) {
        if (data.length == 0) {
            throw SerdeErrors.deserialization(typeName, topic, "empty payload (0 bytes)", data, null);
        }
        if (data[0] != MAGIC_0 || (data.length > 1 && data[1] != MAGIC_1)) {
            throw SerdeErrors.deserialization(typeName, topic,
                    "bad magic bytes, expected Avro single-object header C3 01", data, null);
        }
        if (data.length < HEADER_LENGTH) {
            throw SerdeErrors.deserialization(typeName, topic,
                    "truncated header (" + data.length + " of " + HEADER_LENGTH + " bytes)", data, null);
        }
        long fp = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = fp == fingerprint ? schema : writerSchemas.findByFingerprint(fp);
        if (writer == null) {
            String known = ReleasedSchemas.describeFingerprint(fp)
                    .map(s -> "it is the fingerprint of " + s + " (wrong topic or serde?)")
                    .orElse("not a known " + typeName + " schema (written by a newer release? deploy consumers first)");
            throw SerdeErrors.deserialization(typeName, topic,
                    String.format("unknown writer schema fingerprint %016x: %s", fp, known), data, null);
        }
        return writer;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the record class fixes the schema
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public String toString() {
        return "AvroSerde[" + typeName + ", fingerprint=" + String.format("%016x", fingerprint) + "]";
    }
}
