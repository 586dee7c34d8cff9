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
 *
 * <p>It runs on every input record, so the error path ("FeatureVector.features[3]") is kept as a stack of field
 * names and indices and turned into a string only when a check fails (measured in docs/benchmarks.md: building it
 * eagerly allocated ~5.6 kB per 16-feature record, 38 % of the detector's stream-thread allocation).
 */
final class AvroBounds {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final String MAP_KEY = "<key>";

    private final byte[] data;
    private final int end;
    private final String root;
    private int pos;
    /** Path below the root: segment k is ".name" when names[k] != null, else "[indices[k]]". */
    private String[] names = new String[8];
    private long[] indices = new long[8];
    private int depth;

    private AvroBounds(byte[] data, int offset, String root) {
        this.data = data;
        this.pos = offset;
        this.end = data.length;
        this.root = root;
    }

    /** @throws IllegalArgumentException describing the first inconsistency and where it is */
    static void check(Schema writer, byte[] data, int offset) {
        AvroBounds b = new AvroBounds(data, offset, writer.getName());
        b.walk(writer);
        if (b.pos != b.end) {
            throw new IllegalArgumentException((b.end - b.pos) + " unexpected trailing bytes after the record");
        }
    }

    private void push(String name, long index) {
        if (depth == names.length) {
            names = java.util.Arrays.copyOf(names, depth * 2);
            indices = java.util.Arrays.copyOf(indices, depth * 2);
        }
        names[depth] = name;
        indices[depth++] = index;
    }

    /** The current location, e.g. {@code FeatureVector.features[3]}; only built for an error message. */
    private String path() {
        StringBuilder sb = new StringBuilder(root);
        for (int k = 0; k < depth; k++) {
            if (names[k] != null) {
                sb.append('.').append(names[k]);
            } else {
                sb.append('[').append(indices[k]).append(']');
            }
        }
        return sb.toString();
    }

    private void walk(Schema s) {
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1);
            case INT, LONG -> varLong();
            case FLOAT -> skip(4);
            case DOUBLE -> skip(8);
            case FIXED -> skip(s.getFixedSize());
            case STRING, BYTES -> {
                long len = varLong();
                if (len < 0 || len > end - pos) {
                    throw new IllegalArgumentException("length " + len + " at " + path() + " exceeds the "
                            + (end - pos) + " remaining bytes (truncated or corrupt body)");
                }
                pos += (int) len;
            }
            case ENUM -> index(s.getEnumSymbols().size());
            case UNION -> walk(s.getTypes().get(index(s.getTypes().size())));
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    push(f.name(), 0);
                    walk(f.schema());
                    depth--;
                }
            }
            case ARRAY, MAP -> blocks(s);
            default -> throw new IllegalArgumentException("unsupported type " + s.getType() + " at " + path());
        }
    }

    private void blocks(Schema s) {
        boolean map = s.getType() == Schema.Type.MAP;
        Schema item = map ? s.getValueType() : s.getElementType();
        int minItem = minSize(item, 0) + (map ? 1 : 0);
        while (true) {
            long count = varLong();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long bytes = varLong();
                if (bytes < 0) {
                    throw new IllegalArgumentException("negative block size at " + path());
                }
            }
            if (minItem > 0 && count > (end - pos) / minItem) {
                throw new IllegalArgumentException("count " + count + " at " + path() + " exceeds what the "
                        + (end - pos) + " remaining bytes can hold (truncated or corrupt body)");
            }
            for (long i = 0; i < count; i++) {
                if (map) {
                    push(MAP_KEY, 0);
                    walk(STRING);
                    depth--;
                }
                push(null, i);
                walk(item);
                depth--;
            }
        }
    }

    private int index(int size) {
        long i = varLong();
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("index " + i + " at " + path() + " is out of range 0.." + (size - 1));
        }
        return (int) i;
    }

    private void skip(int n) {
        if (n > end - pos) {
            throw new IllegalArgumentException("truncated body at " + path());
        }
        pos += n;
    }

    /** Zig-zag varint as in the Avro spec; at most 10 bytes. */
    private long varLong() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated body at " + path());
            }
            int b = data[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IllegalArgumentException("malformed variable-length integer at " + path());
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
