package io.normalcy.schemas.serde;

import io.normalcy.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Confluent-framed Avro ({@code 00}, 4-byte schema id, Avro binary) of <em>any</em> schema into a generic datum
 * (usually a {@link org.apache.avro.generic.GenericRecord}) read with the writer schema from the registry: the reader
 * of records that are not feature vectors, which a {@code RecordMapping} turns into one. Unlike
 * {@link ConfluentAvroDecoder} there is no reader schema to resolve against: the mapping's paths pick what they need.
 * Decimals, timestamps and dates come out as {@code BigDecimal}, {@code Instant} and {@code LocalDate} (Avro's
 * conversions), so a mapping reads them as numbers and times. Same errors as {@link ConfluentAvroDecoder}: unknown id
 * and registry outage propagate from the client, a bad body is a SerializationException naming the schema id. Bodies
 * are bounds-checked ({@link AvroBounds}) first. Thread-safe.
 */
public final class GenericAvroDecoder {
    private static final GenericData MODEL = new GenericData();

    static {
        MODEL.addLogicalTypeConversion(new Conversions.DecimalConversion());
        MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        MODEL.addLogicalTypeConversion(new TimeConversions.DateConversion());
    }

    private final SchemaRegistryClient registry;
    private final Map<Integer, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();

    public GenericAvroDecoder(SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The datum of a Confluent-framed record, read with its writer schema. */
    public Object decode(String topic, byte[] data) {
        if (!ConfluentAvroDecoder.isFramed(data) || data.length < ConfluentAvroDecoder.HEADER_LENGTH) {
            throw SerdeErrors.deserialization("record", topic, "not a complete Confluent header (00 + 4-byte id)",
                    data, null);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        GenericDatumReader<Object> reader = readers.get(id);
        if (reader == null) {
            Schema writer = registry.schemaById(id); // throws Unknown/Unavailable: nothing cached then
            reader = new GenericDatumReader<>(writer, writer, MODEL);
            if (readers.size() >= registry.settings().cacheSize()) {
                readers.clear();
            }
            readers.put(id, reader);
        }
        try {
            AvroBounds.check(reader.getSchema(), data, ConfluentAvroDecoder.HEADER_LENGTH);
        } catch (IllegalArgumentException e) {
            throw SerdeErrors.deserialization("record", topic, "schema id " + id + ": " + e.getMessage(), data, null);
        }
        int n = data.length - ConfluentAvroDecoder.HEADER_LENGTH;
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(data, ConfluentAvroDecoder.HEADER_LENGTH, n, null);
        try {
            return reader.read(null, in);
        } catch (IOException | RuntimeException e) {
            throw SerdeErrors.deserialization("record", topic, "schema id " + id + ": corrupt body (" + e + ")", data, e);
        }
    }
}
