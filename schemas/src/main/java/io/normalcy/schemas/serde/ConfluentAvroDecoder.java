package io.normalcy.schemas.serde;

import io.normalcy.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes records in the Confluent wire format — magic byte {@code 0x00}, 4-byte big-endian schema id, Avro binary —
 * into a generated record, resolving the writer schema by id through a {@link SchemaRegistryClient} and reading it
 * with Avro's schema resolution (a {@link SpecificDatumReader} with writer and reader schema runs a
 * {@code ResolvingDecoder}): an older or newer producer's schema decodes into the current class, missing fields take
 * their defaults, unknown fields are skipped.
 *
 * <p>Why the framing is recognised by its first byte: {@code 0x00} can start neither Avro single-object encoding
 * ({@code C3 01}) nor a JSON document, so one topic may carry all three. Errors: {@code UnknownSchemaException} (id not
 * in the registry), {@code RegistryUnavailableException} (retry later, never drop), and otherwise a
 * {@link SerializationException} naming the schema id and the problem (incompatible writer schema, corrupt body).
 * Bodies are bounds-checked against the writer schema before decoding ({@link AvroBounds}). Thread-safe.
 */
public final class ConfluentAvroDecoder<T extends SpecificRecord> {
    /** First byte of the Confluent wire format. */
    public static final byte MAGIC = 0x00;
    /** Magic byte + 4-byte schema id. */
    public static final int HEADER_LENGTH = 5;

    private final Class<T> type;
    private final Schema reader;
    private final SpecificData model;
    private final SchemaRegistryClient registry;
    private final Map<Integer, Resolved<T>> readers = new ConcurrentHashMap<>();

    private record Resolved<T>(Schema writer, SpecificDatumReader<T> reader) {
    }

    public ConfluentAvroDecoder(Class<T> type, SchemaRegistryClient registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.model = SpecificData.getForClass(type);
        this.reader = model.getSchema(type);
    }

    /** Whether {@code data} starts with the Confluent magic byte (and so must be decoded by this class). */
    public static boolean isFramed(byte[] data) {
        return data != null && data.length > 0 && data[0] == MAGIC;
    }

    /** Confluent framing of an Avro binary body written with schema {@code id} (what a Confluent serializer writes). */
    public static byte[] frame(int id, byte[] avroBinary) {
        return ByteBuffer.allocate(HEADER_LENGTH + avroBinary.length).put(MAGIC).putInt(id).put(avroBinary).array();
    }

    /**
     * What a Confluent serializer writes for {@code datum} (a generated or generic record) under {@code writer} with
     * registry id {@code id} (a generated record only with its own schema, other writers as generic records with
     * logical types in their underlying form); for producers written against Normalcy (tests, the demo) that have no Confluent client.
     */
    public static byte[] encode(int id, Schema writer, Object datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        try {
            GenericData model = datum instanceof SpecificRecord r ? SpecificData.getForClass(r.getClass())
                    : GenericData.get(); // generated classes carry their logical-type conversions (Instant)
            new GenericDatumWriter<>(writer, model).write(datum, enc);
            enc.flush();
        } catch (IOException e) {
            throw new SerializationException("cannot encode with writer schema " + writer.getFullName(), e);
        }
        return frame(id, out.toByteArray());
    }

    public T decode(String topic, byte[] data) {
        String name = type.getSimpleName();
        if (!isFramed(data)) {
            throw SerdeErrors.deserialization(name, topic, "no Confluent magic byte 0x00", data, null);
        }
        if (data.length < HEADER_LENGTH) {
            throw SerdeErrors.deserialization(name, topic, "truncated Confluent header (" + data.length + " of "
                    + HEADER_LENGTH + " bytes)", data, null);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        Resolved<T> resolved = resolved(topic, id, data);
        try {
            AvroBounds.check(resolved.writer(), data, HEADER_LENGTH);
        } catch (IllegalArgumentException e) {
            throw SerdeErrors.deserialization(name, topic, "schema id " + id + ": " + e.getMessage(), data, null);
        }
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
        try {
            return resolved.reader().read(null, in);
        } catch (IOException | RuntimeException e) {
            throw SerdeErrors.deserialization(name, topic, "schema id " + id + ": corrupt body (" + e + ")", data, e);
        }
    }

    /** Writer schema of {@code id} and a resolving reader, checked for compatibility once per id. */
    private Resolved<T> resolved(String topic, int id, byte[] data) {
        Resolved<T> r = readers.get(id);
        if (r != null) {
            return r;
        }
        Schema writer = registry.schemaById(id); // throws Unknown/Unavailable: nothing cached then
        SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw SerdeErrors.deserialization(type.getSimpleName(), topic, "writer schema id " + id + " ("
                    + writer.getFullName() + ") cannot be read as " + reader.getFullName() + ": "
                    + c.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " " + i.getMessage()).toList(), data, null);
        }
        r = new Resolved<>(writer, new SpecificDatumReader<>(writer, reader, model));
        if (readers.size() >= registry.settings().cacheSize()) {
            readers.clear(); // bounded like the client's cache; rebuilt from it on the next records
        }
        readers.put(id, r);
        return r;
    }
}
