package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ReleasedSchemasTest {

    private static Schema current(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    @Test
    void currentSchemaOfEveryTopicRecordIsReleased() {
        for (Class<? extends SpecificRecord> type : ReleasedSchemas.TOPIC_RECORDS) {
            int latest = ReleasedSchemas.latestVersion(type);
            assertTrue(latest >= 1, type.getSimpleName() + " has no released schema");
            Schema released = ReleasedSchemas.version(type, latest).orElseThrow();
            assertEquals(SchemaNormalization.parsingFingerprint64(released), SchemaNormalization.parsingFingerprint64(current(type)),
                    type.getSimpleName() + " changed: add src/main/resources/io/normalcy/avro/released/"
                            + type.getSimpleName() + "/v" + (latest + 1) + ".avsc (never edit a released file)");
        }
    }

    @Test
    void currentReaderReadsEveryReleasedVersion() {
        for (Class<? extends SpecificRecord> type : ReleasedSchemas.TOPIC_RECORDS) {
            for (Schema writer : ReleasedSchemas.versions(type)) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current(type), writer);
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        type.getSimpleName() + ": " + result.getDescription());
            }
        }
    }

    @Test
    void recordWrittenWithReleasedV1IsReadByCurrentClass() throws IOException {
        Schema v1 = ReleasedSchemas.version(FeatureVector.class, 1).orElseThrow();
        GenericRecord r = new GenericData.Record(v1);
        r.put("model", "payments");
        r.put("entity", "card-1");
        r.put("eventTime", 1_700_000_000_000L);
        r.put("context", Map.of("region", "eu"));
        r.put("contextNumeric", Map.of());
        r.put("features", Map.of("amount", 12.5));
        r.put("attributes", Map.of());
        r.put("eventId", "tx-1");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();

        FeatureVector fv = AvroSerde.of(FeatureVector.class).deserialize("t", bytes);
        assertEquals("payments", fv.getModel());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), fv.getEventTime());
        assertEquals(Map.of("amount", 12.5), fv.getFeatures());
        assertEquals("tx-1", fv.getEventId());
    }

    /** Simulates the next release: data from an older schema without optional fields decodes with defaults. */
    @Test
    void olderWriterSchemaDecodesWithDefaultsOnceKnown() throws IOException {
        Schema older = without(current(FeatureVector.class), Set.of("eventId", "attributes"));
        GenericRecord r = new GenericData.Record(older);
        r.put("model", "m");
        r.put("entity", "e");
        r.put("eventTime", 5L);
        r.put("context", Map.of());
        r.put("contextNumeric", Map.of());
        r.put("features", Map.of("x", 1.0));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(r).array();

        SerializationException unknown = assertThrows(SerializationException.class,
                () -> AvroSerde.of(FeatureVector.class).deserialize("t", bytes));
        assertTrue(unknown.getMessage().contains("unknown writer schema fingerprint"), unknown.getMessage());

        SchemaStore.Cache extra = new SchemaStore.Cache();
        extra.addSchema(older);
        FeatureVector fv = AvroSerde.of(FeatureVector.class, extra).deserialize("t", bytes);
        assertNull(fv.getEventId());
        assertEquals(Map.of(), fv.getAttributes());
        assertEquals(Map.of("x", 1.0), fv.getFeatures());
    }

    /**
     * ModelVersion v2 only adds the MAF_MOG flow type and Architecture.components (default 0): a v1 reader resolves a
     * v2 record of a MAF model (components dropped), but refuses a MAF_MOG one instead of scoring it as something
     * else (FlowType has no enum default on purpose).
     */
    @Test
    void modelVersionV1ReaderResolvesMafButRefusesMafMog() throws IOException {
        Schema v1 = ReleasedSchemas.version(io.normalcy.avro.ModelVersion.class, 1).orElseThrow();
        io.normalcy.avro.ModelVersion maf = Fixtures.modelVersionFull();
        GenericRecord read = resolve(maf, v1);
        assertEquals("MAF", read.get("flowType").toString());
        assertNull(((GenericRecord) read.get("architecture")).getSchema().getField("components"));
        io.normalcy.avro.ModelVersion mog = io.normalcy.avro.ModelVersion.newBuilder(maf)
                .setFlowType(io.normalcy.avro.FlowType.MAF_MOG)
                .setArchitecture(io.normalcy.avro.Architecture.newBuilder(maf.getArchitecture()).setComponents(3).build())
                .build();
        assertThrows(org.apache.avro.AvroTypeException.class, () -> resolve(mog, v1));
    }

    private static GenericRecord resolve(io.normalcy.avro.ModelVersion record, Schema reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<io.normalcy.avro.ModelVersion>(
                io.normalcy.avro.ModelVersion.getClassSchema()).write(record, enc);
        enc.flush();
        return new org.apache.avro.generic.GenericDatumReader<GenericRecord>(io.normalcy.avro.ModelVersion.getClassSchema(),
                reader).read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    @Test
    void unknownVersionIsEmpty() {
        assertFalse(ReleasedSchemas.version(FeatureVector.class, 0).isPresent());
        assertFalse(ReleasedSchemas.version(FeatureVector.class, 999).isPresent());
    }

    /** The contract is documented: every named type and field has a doc, all in one namespace. */
    @Test
    void everyTypeAndFieldIsDocumentedInOneNamespace() {
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : ReleasedSchemas.TOPIC_RECORDS) {
            checkDocs(current(type), seen, problems);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(seen.size() >= 20, "named types visited: " + seen);
    }

    private static void checkDocs(Schema s, Set<String> seen, List<String> problems) {
        switch (s.getType()) {
            case RECORD, ENUM -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                if (!"io.normalcy.avro".equals(s.getNamespace())) {
                    problems.add(s.getFullName() + " is outside io.normalcy.avro");
                }
                if (s.getDoc() == null || s.getDoc().isBlank()) {
                    problems.add(s.getFullName() + " has no doc");
                }
                if (s.getType() == Schema.Type.RECORD) {
                    for (Schema.Field f : s.getFields()) {
                        if (f.doc() == null || f.doc().isBlank()) {
                            problems.add(s.getFullName() + "." + f.name() + " has no doc");
                        }
                        if (f.schema().isNullable() && !(f.hasDefaultValue() && f.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE)) {
                            problems.add(s.getFullName() + "." + f.name() + " is nullable without a null default");
                        }
                        checkDocs(f.schema(), seen, problems);
                    }
                }
            }
            case ARRAY -> checkDocs(s.getElementType(), seen, problems);
            case MAP -> checkDocs(s.getValueType(), seen, problems);
            case UNION -> s.getTypes().forEach(t -> checkDocs(t, seen, problems));
            default -> { }
        }
    }

    private static Schema without(Schema schema, Set<String> dropped) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!dropped.contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
