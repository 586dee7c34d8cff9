package io.normalcy.schemas.serde;

import org.apache.avro.Schema;

/**
 * Structural pre-check of an Avro binary body against its writer schema, without allocating.
 *
 * <p>Why: Avro's decoders allocate a string, bytes or array from its length prefix before reading
 * it, so a corrupt prefix in a 20-byte record can demand gigabytes and end in an
 * {@link OutOfMemoryError} that takes a whole stream thread down. This walk checks every length and
 * count against the bytes actually present, every union and enum index against the schema, and that
 * the body ends exactly at the end of the payload; the decoder runs only on payloads that pass.
 */
final class AvroBounds {

    private final byte[] data;
    private final int end;
    private int pos;

    private AvroBounds(byte[] data, int offset) {
        this.data = data;
        this.pos = offset;
        this.end = data.length;
    }

    /** @throws IllegalArgumentException describing the first inconsistency and where it is */
    static void check(Schema writer, byte[] data, int offset) {
        AvroBounds b = new AvroBounds(data, offset);
        b.walk(writer, writer.getName());
        if (b.pos != b.end) {
            throw new IllegalArgumentException((b.end - b.pos) + " unexpected trailing bytes after the record");
        }
    }

    private void walk(Schema s, String path) {
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1, path);
            case INT, LONG -> varLong(path);
            case FLOAT -> skip(4, path);
            case DOUBLE -> skip(8, path);
            case FIXED -> skip(s.getFixedSize(), path);
            case STRING, BYTES -> {
                long len = varLong(path);
                if (len < 0 || len > end - pos) {
                    throw new IllegalArgumentException("length " + len + " at " + path + " exceeds the "
                            + (end - pos) + " remaining bytes (truncated or corrupt body)");
                }
                pos += (int) len;
            }
            case ENUM -> index(s.getEnumSymbols().size(), path);
            case UNION -> walk(s.getTypes().get(index(s.getTypes().size(), path)), path);
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), path + "." + f.name());
                }
            }
            case ARRAY, MAP -> blocks(s, path);
            default -> throw new IllegalArgumentException("unsupported type " + s.getType() + " at " + path);
        }
    }

    private void blocks(Schema s, String path) {
        boolean map = s.getType() == Schema.Type.MAP;
        Schema item = map ? s.getValueType() : s.getElementType();
        int minItem = minSize(item, 0) + (map ? 1 : 0);
        while (true) {
            long count = varLong(path);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long bytes = varLong(path);
                if (bytes < 0) {
                    throw new IllegalArgumentException("negative block size at " + path);
                }
            }
            if (minItem > 0 && count > (end - pos) / minItem) {
                throw new IllegalArgumentException("count " + count + " at " + path + " exceeds what the "
                        + (end - pos) + " remaining bytes can hold (truncated or corrupt body)");
            }
            for (long i = 0; i < count; i++) {
                if (map) {
                    walk(Schema.create(Schema.Type.STRING), path + ".<key>");
                }
                walk(item, path + "[" + i + "]");
            }
        }
    }

    private int index(int size, String path) {
        long i = varLong(path);
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("index " + i + " at " + path + " is out of range 0.." + (size - 1));
        }
        return (int) i;
    }

    private void skip(int n, String path) {
        if (n > end - pos) {
            throw new IllegalArgumentException("truncated body at " + path);
        }
        pos += n;
    }

    /** Zig-zag varint as in the Avro spec; at most 10 bytes. */
    private long varLong(String path) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated body at " + path);
            }
            int b = data[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IllegalArgumentException("malformed variable-length integer at " + path);
    }

    /** Fewest bytes a value of this schema can take (0 for null and empty records). */
    private static int minSize(Schema s, int depth) {
        if (depth > 32) {
            return 0; // recursive schema: stay conservative
        }
        return switch (s.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case RECORD -> s.getFields().stream().mapToInt(f -> minSize(f.schema(), depth + 1)).sum();
            default -> 1;
        };
    }
}
