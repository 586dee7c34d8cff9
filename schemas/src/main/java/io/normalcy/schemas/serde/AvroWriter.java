package io.normalcy.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes records of one generated Avro type in the same single-object encoding as {@link AvroSerde#serialize}
 * (byte for byte: {@code C3 01}, the 8-byte little-endian fingerprint, the Avro binary body), reusing its buffer and
 * encoder from one record to the next. <b>Not thread-safe</b>: use one per thread (e.g. one per Kafka Streams
 * task), never share one.
 *
 * <p>Why it exists: {@link AvroSerde#serialize} is shared between threads, so every call starts afresh: Avro's
 * {@code BinaryMessageEncoder} looks its encoder up in two thread-locals, writes into a new
 * {@code ByteArrayOutputStream}, which grows by copying, and copies it out again. A writer that one thread owns keeps
 * a growable buffer that already holds the header and a configured encoder, so a record costs Avro's own datum
 * writer plus one copy into an exact-size array. The detector writes a score for every input record
 * (docs/benchmarks.md, "Emit path, session 7").
 *
 * <p>A record larger than {@value #RETAINED_BYTES} bytes is written as usual, but the buffer it grew is dropped
 * afterwards, so one very large alert does not pin a megabyte per task for good. A record Avro cannot write (e.g. a
 * null in a non-null field) raises the same {@code SerializationException} as {@link AvroSerde#serialize}; the next
 * record is written from a clean buffer.
 */
public final class AvroWriter<T extends SpecificRecord> {
    /** Buffer capacity kept between records; a larger buffer grown by one record is dropped after it. */
    static final int RETAINED_BYTES = 64 * 1024;
    private static final int INITIAL_BYTES = 512;

    private final Class<T> type;
    private final String typeName;
    private final DatumWriter<T> writer;
    private final Buffer out;
    private BinaryEncoder encoder;

    /** A writer of {@code type}'s current schema (the schema {@link AvroSerde#of(Class)} writes). */
    public static <T extends SpecificRecord> AvroWriter<T> of(Class<T> type) {
        return new AvroWriter<>(type);
    }

    @SuppressWarnings("unchecked")
    private AvroWriter(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.typeName = type.getSimpleName();
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        this.writer = (DatumWriter<T>) model.createDatumWriter(schema); // as BinaryMessageEncoder makes it
        this.out = new Buffer(header(SchemaNormalization.parsingFingerprint64(schema)));
    }

    /** {@code C3 01} and the fingerprint, little-endian: the single-object encoding header. */
    private static byte[] header(long fingerprint) {
        byte[] h = new byte[AvroSerde.HEADER_LENGTH];
        h[0] = AvroSerde.MAGIC_0;
        h[1] = AvroSerde.MAGIC_1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    /**
     * The record's single-object encoding, equal to {@link AvroSerde#serialize}'s; null for null (a tombstone).
     *
     * @param topic only for the error message
     * @throws org.apache.kafka.common.errors.SerializationException naming type, topic and problem when Avro
     *                                                               cannot write the record
     */
    public byte[] write(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (!type.isInstance(record)) {
            throw SerdeErrors.serialization(typeName, topic, "got a " + record.getClass().getName(), null);
        }
        out.restart();
        try {
            // a direct encoder keeps no bytes of its own, so nothing of a failed record can leak into the next
            encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return out.copy();
        } catch (IOException | RuntimeException e) {
            throw SerdeErrors.serialization(typeName, topic, "invalid record (" + e + ")", e);
        } finally {
            out.trim();
        }
    }

    /** Bytes the buffer holds now (for tests of the retained size). */
    int capacity() {
        return out.buf.length;
    }

    /**
     * A growable byte array that starts with the header; unsynchronised (unlike {@code ByteArrayOutputStream}),
     * since it is confined to its writer's thread.
     */
    private static final class Buffer extends OutputStream {
        private final byte[] header;
        private byte[] buf;
        private int count;

        Buffer(byte[] header) {
            this.header = header;
            fresh();
        }

        private void fresh() {
            buf = Arrays.copyOf(header, INITIAL_BYTES);
            count = header.length;
        }

        void restart() {
            count = header.length;
        }

        void trim() {
            if (buf.length > RETAINED_BYTES) {
                fresh();
            }
        }

        byte[] copy() {
            return Arrays.copyOf(buf, count);
        }

        private void ensure(int more) {
            if (more > buf.length - count) {
                long want = Math.max((long) buf.length * 2, (long) count + more);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("record larger than a Java array can hold");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
