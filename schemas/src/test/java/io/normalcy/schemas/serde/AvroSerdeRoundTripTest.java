package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.normalcy.schemas.Fixtures;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    static Stream<SpecificRecord> fixtures() {
        return Fixtures.all().stream();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> AvroSerde<T> serdeFor(T record) {
        return AvroSerde.of((Class<T>) record.getClass());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("fixtures")
    void everyRecordTypeRoundTrips(SpecificRecord record) {
        AvroSerde<SpecificRecord> serde = serdeFor(record);
        byte[] bytes = serde.serializer().serialize("t", record);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        SpecificRecord back = serde.deserializer().deserialize("t", bytes);
        assertNotSame(record, back);
        assertEquals(record, back);
        // (no byte-identity check: Avro writes maps in iteration order, which a decoded HashMap does not keep)
    }

    @Test
    void fullFixturesSetEveryOptionalFieldAndMinimalOnesNone() {
        var all = Fixtures.all();
        for (int i = 0; i < all.size(); i += 2) {
            SpecificRecord minimal = all.get(i);
            SpecificRecord full = all.get(i + 1);
            for (Schema.Field f : full.getSchema().getFields()) {
                if (f.schema().isNullable()) {
                    assertNotNull(full.get(f.pos()), full.getSchema().getName() + "." + f.name() + " set in full fixture");
                    assertNull(minimal.get(f.pos()), full.getSchema().getName() + "." + f.name() + " unset in minimal");
                }
            }
        }
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<io.normalcy.avro.ModelVersion> serde = NormalcySerdes.modelVersion();
        assertNull(serde.serialize("normalcy.models", null));
        assertNull(serde.deserialize("normalcy.models", null));
    }

    @Test
    void minimalRecordsGetDocumentedDefaults() {
        var fv = Fixtures.featureVectorMinimal();
        assertEquals(java.util.Map.of(), fv.getContext());
        assertEquals(java.util.Map.of(), fv.getAttributes());
        assertNull(fv.getEventId());
        var sub = Fixtures.subscriptionMinimal();
        assertEquals(io.normalcy.avro.Severity.WARNING, sub.getFilter().getMinSeverity());
        assertEquals(true, sub.getEnabled());
        assertEquals("global", Fixtures.scoredEventMinimal().getThresholdScope());
        assertEquals(3.0, Fixtures.modelVersionMinimal().getArchitecture().getScaleClamp());
    }
}
