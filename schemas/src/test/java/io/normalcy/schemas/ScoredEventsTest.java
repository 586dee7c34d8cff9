package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ScoredEvent;
import io.normalcy.schemas.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** ScoredEvent v3 (contributions as a float array in feature order) against the released v2 in both directions. */
class ScoredEventsTest {
    private static final Schema V2 = ReleasedSchemas.version(ScoredEvent.class, 2).orElseThrow();
    private static final Schema V3 = ReleasedSchemas.version(ScoredEvent.class, 3).orElseThrow();
    private static final Schema V4 = ReleasedSchemas.version(ScoredEvent.class, 4).orElseThrow();

    /** v4 (issue 12 item 4) added {@code imputedFeatures} with an empty default: both directions still resolve. */
    @Test
    void v4IsTheCurrentSchemaAndBothDirectionsAreCompatibleWithV3() {
        assertEquals(ScoredEvent.getClassSchema().toString(), V4.toString());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V4, V3).getType(), "new reader, old data");
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V3, V4).getType(), "old reader, new data");
        Schema alert3 = ReleasedSchemas.version(io.normalcy.avro.Alert.class, 3).orElseThrow();
        Schema alert4 = ReleasedSchemas.version(io.normalcy.avro.Alert.class, 4).orElseThrow();
        assertEquals(io.normalcy.avro.Alert.getClassSchema().toString(), alert4.toString());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(alert4, alert3).getType(), "alert: new reader");
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(alert3, alert4).getType(), "alert: old reader");
    }

    /** A v3 record (written before imputation existed) decodes with no imputed features. */
    @Test
    void v3RecordIsReadWithNoImputedFeatures() throws IOException {
        ScoredEvent base = Fixtures.scoredEventMinimal();
        GenericRecord r = new GenericData.Record(V3);
        for (Schema.Field f : V3.getFields()) {
            r.put(f.name(), GenericData.get().deepCopy(f.schema(), base.get(f.name())));
        }
        r.put("eventTime", base.getEventTime().toEpochMilli());
        r.put("scoredAt", base.getScoredAt().toEpochMilli());
        r.put("severity", new GenericData.EnumSymbol(V3.getField("severity").schema(), "NORMAL"));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), V3).encode(r).array();
        ScoredEvent read = AvroSerde.of(ScoredEvent.class).deserialize("scores", bytes);
        assertEquals(List.of(), read.getImputedFeatures());
        assertEquals(base.getLogDensity(), read.getLogDensity());
    }

    @Test
    void v3IsCompatibleWithV2InBothDirections() {
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V3, V2).getType(), "new reader, old data");
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V2, V3).getType(), "old reader, new data");
    }

    /** Old → new: a v2 record (terms in the map) decodes with an empty array, and the helper gives its map. */
    @Test
    void v2RecordIsReadByTheCurrentClassWithItsMap() throws IOException {
        GenericRecord r = new GenericData.Record(V2);
        ScoredEvent base = Fixtures.scoredEventMinimal();
        for (Schema.Field f : V2.getFields()) {
            r.put(f.name(), GenericData.get().deepCopy(f.schema(), base.get(f.name())));
        }
        r.put("eventTime", base.getEventTime().toEpochMilli());
        r.put("scoredAt", base.getScoredAt().toEpochMilli());
        r.put("severity", new GenericData.EnumSymbol(V2.getField("severity").schema(), "NORMAL"));
        r.put("contributions", Map.of("amount", -2.0, "count", -1.25));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), V2).encode(r).array();

        ScoredEvent e = AvroSerde.of(ScoredEvent.class).deserialize("scores", bytes);
        assertEquals(List.of(), e.getContributionTerms());
        assertEquals(Map.of("amount", -2.0, "count", -1.25), ScoredEvents.contributions(e, List.of("count", "amount")));
        assertEquals(-3.25, e.getLogDensity());
    }

    /** New → old: a v2 reader decodes a v3 record; it sees an empty map (the terms are in the array it ignores). */
    @Test
    void v3RecordIsReadByAV2Reader() throws IOException {
        ScoredEvent e = ScoredEvent.newBuilder(Fixtures.scoredEventMinimal())
                .setContributionTerms(ScoredEvents.terms(new double[] {-2.0, -1.25})).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<ScoredEvent>(ScoredEvent.getClassSchema()).write(e, enc);
        enc.flush();
        GenericRecord old = new GenericDatumReader<GenericRecord>(ScoredEvent.getClassSchema(), V2)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertEquals(Map.of(), old.get("contributions"));
        assertEquals(-3.25, old.get("logDensity"));
        assertEquals("card-1", old.get("entity").toString());
        assertEquals(7L, old.get("modelVersion"));
    }

    @Test
    void termsRoundTripAsFloatsInFeatureOrder() {
        ScoredEvent e = ScoredEvent.newBuilder(Fixtures.scoredEventMinimal())
                .setContributionTerms(ScoredEvents.terms(new double[] {-2.0, -1.25, 0.1})).build();
        var serde = AvroSerde.of(ScoredEvent.class);
        ScoredEvent back = serde.deserialize("scores", serde.serialize("scores", e));
        assertEquals(List.of(-2.0f, -1.25f, 0.1f), back.getContributionTerms());
        assertEquals(Map.of(), back.getContributions());
        Map<String, Double> named = ScoredEvents.contributions(back, List.of("amount", "count", "tiny"));
        assertEquals(List.of("amount", "count", "tiny"), List.copyOf(named.keySet()));
        assertEquals((double) 0.1f, named.get("tiny"));
    }

    @Test
    void namesOfAnotherVersionAreRefused() {
        ScoredEvent e = ScoredEvent.newBuilder(Fixtures.scoredEventMinimal())
                .setContributionTerms(ScoredEvents.terms(new double[] {-2.0, -1.25})).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ScoredEvents.contributions(e, List.of("amount")));
        assertTrue(ex.getMessage().contains("payments v7"), ex.getMessage());
    }
}
