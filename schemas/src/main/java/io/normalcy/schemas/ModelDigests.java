package io.normalcy.schemas;

import io.normalcy.avro.CategoricalField;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.CyclicField;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NumericField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Integrity digest of a {@link ModelVersion}: a detector refuses a model whose digest does not match,
 * and a signature (HMAC or Ed25519) is computed over the 32 digest bytes.
 *
 * <p><b>Canonical payload</b> (exact rule):
 * <ol>
 *   <li>copy the record and set {@code digest} = empty bytes, {@code signature} = null,
 *       {@code signatureAlgorithm} = null;</li>
 *   <li>project it onto the released ModelVersion schema number {@code formatVersion}
 *       (Avro schema resolution; for the current release this is the identity), so that a newer reader
 *       recomputes exactly the digest an older writer produced;</li>
 *   <li>order the entries of every map by key, comparing keys by Unicode code point (Avro binary
 *       encoding writes maps in iteration order, which would otherwise depend on how a map was built);</li>
 *   <li>encode with plain Avro binary encoding under that schema (no single-object header).</li>
 * </ol>
 * {@code digest} = SHA-256 of those bytes.
 */
public final class ModelDigests {

    /**
     * The newest released ModelVersion schema (v2 added the MAF_MOG flow type, Architecture.components and
     * FeatureSpec.step; v3 the derived features, {@code ModelVersion.derived}; v4 the missing-value policies, {@code ModelVersion.missing}; v5 the combination thresholds, {@code ThresholdSet.perCombination}). A writer may still use an older version for a model that version can represent, see
     * {@code ModelStateMapper}.
     */
    public static final int CURRENT_FORMAT_VERSION = 5;

    /** Digest algorithm (JCA name). */
    public static final String ALGORITHM = "SHA-256";

    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private ModelDigests() {
    }

    /** SHA-256 of the canonical payload (32 bytes). */
    public static byte[] compute(ModelVersion model) {
        return AlertIds.sha256(canonicalPayload(model));
    }

    /** A copy of {@code model} whose {@code digest} is set to {@link #compute}; signature fields are kept. */
    public static ModelVersion withDigest(ModelVersion model) {
        return ModelVersion.newBuilder(model).setDigest(ByteBuffer.wrap(compute(model))).build();
    }

    /** Whether the stored digest equals the recomputed one (constant-time comparison). */
    public static boolean matches(ModelVersion model) {
        ByteBuffer stored = model.getDigest();
        if (stored == null) {
            return false;
        }
        byte[] bytes = new byte[stored.remaining()];
        stored.duplicate().get(bytes);
        return MessageDigest.isEqual(bytes, compute(model));
    }

    /**
     * The canonical payload bytes (see class doc).
     *
     * @throws IllegalArgumentException when {@code formatVersion} is not a released ModelVersion schema
     */
    public static byte[] canonicalPayload(ModelVersion model) {
        Schema target = ReleasedSchemas.version(ModelVersion.class, model.getFormatVersion())
                .orElseThrow(() -> new IllegalArgumentException("ModelVersion.formatVersion " + model.getFormatVersion()
                        + " is not a released ModelVersion schema (known: 1.."
                        + ReleasedSchemas.latestVersion(ModelVersion.class) + ")"));
        ModelVersion blank = ModelVersion.newBuilder(model)
                .setDigest(ByteBuffer.allocate(0)).setSignature(null).setSignatureAlgorithm(null).build();
        try {
            byte[] current = encode(
                    new SpecificDatumWriter<ModelVersion>(ModelVersion.getClassSchema(), blank.getSpecificData()), blank);
            GenericRecord projected = new GenericDatumReader<GenericRecord>(ModelVersion.getClassSchema(), target)
                    .read(null, DecoderFactory.get().binaryDecoder(current, null));
            Object sorted = sortMaps(projected, target);
            return encode(new GenericDatumWriter<>(target), sorted);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode the canonical payload of model " + model.getModel(), e);
        }
    }

    /**
     * Hex SHA-256 fingerprint of a model's input contract, for {@code Provenance.featureSchemaFingerprint}.
     * Covers what a producer must send, not what training learned: one UTF-8 line per item, in order,
     * {@code feature:<index>:<name>:<dequantize>:<log1p>} for each feature by index, then
     * {@code categorical:<name>}, {@code cyclic:<name>:<source>:<period>}, {@code numeric:<name>} for
     * the context fields in their spec order (means, stds and vocabularies are excluded).
     */
    public static String featureSchemaFingerprint(List<FeatureSpec> features, ContextSpecRecord context) {
        List<FeatureSpec> byIndex = new ArrayList<>(features);
        byIndex.sort(Comparator.comparingInt(FeatureSpec::getIndex));
        StringBuilder sb = new StringBuilder();
        for (FeatureSpec f : byIndex) {
            sb.append("feature:").append(f.getIndex()).append(':').append(f.getName()).append(':')
                    .append(f.getDequantize()).append(':').append(f.getLog1p()).append('\n');
        }
        if (context != null) {
            for (CategoricalField c : context.getCategorical()) {
                sb.append("categorical:").append(c.getName()).append('\n');
            }
            for (CyclicField c : context.getCyclic()) {
                sb.append("cyclic:").append(c.getName()).append(':').append(c.getSource()).append(':')
                        .append(c.getPeriod()).append('\n');
            }
            for (NumericField c : context.getNumeric()) {
                sb.append("numeric:").append(c.getName()).append('\n');
            }
        }
        return HexFormat.of().formatHex(AlertIds.sha256(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static <D> byte[] encode(org.apache.avro.io.DatumWriter<D> writer, D datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Rebuilds maps (at any depth) as key-ordered LinkedHashMaps; other values are returned as they are. */
    private static Object sortMaps(Object datum, Schema schema) {
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) datum;
                for (Schema.Field f : schema.getFields()) {
                    record.put(f.pos(), sortMaps(record.get(f.pos()), f.schema()));
                }
                return record;
            }
            case ARRAY: {
                List<?> items = (List<?>) datum;
                List<Object> out = new ArrayList<>(items.size());
                for (Object item : items) {
                    out.add(sortMaps(item, schema.getElementType()));
                }
                return out;
            }
            case MAP: {
                List<Map.Entry<?, ?>> entries = new ArrayList<>(((Map<?, ?>) datum).entrySet());
                entries.sort((x, y) -> CODE_POINT_ORDER.compare(x.getKey().toString(), y.getKey().toString()));
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : entries) {
                    out.put(e.getKey(), sortMaps(e.getValue(), schema.getValueType()));
                }
                return out;
            }
            case UNION:
                return sortMaps(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)));
            default:
                return datum;
        }
    }
}
