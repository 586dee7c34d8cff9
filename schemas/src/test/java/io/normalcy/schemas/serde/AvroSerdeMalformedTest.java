package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.schemas.Fixtures;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeMalformedTest {

    private final AvroSerde<FeatureVector> serde = NormalcySerdes.featureVectorAvro();
    private final byte[] valid = serde.serialize("features", Fixtures.featureVectorFull());

    private SerializationException fails(byte[] data) {
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("features", data));
        assertTrue(e.getMessage().startsWith("Cannot deserialize FeatureVector from topic 'features': "), e.getMessage());
        return e;
    }

    private static void assertContains(String expected, Throwable e) {
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void recordOfAnotherTypeNamesThatType() {
        byte[] scored = NormalcySerdes.scoredEvent().serialize("scores", Fixtures.scoredEventFull());
        SerializationException e = fails(scored);
        assertContains("unknown writer schema fingerprint", e);
        assertContains("ScoredEvent v2 (wrong topic or serde?)", e); // v2 since pValue
        assertContains("first bytes [c3 01 ", e);
    }

    @Test
    void unknownFingerprint() {
        byte[] data = valid.clone();
        data[5] ^= 0x55;
        SerializationException e = fails(data);
        assertContains(String.format("unknown writer schema fingerprint"), e);
        assertContains("not a known FeatureVector schema", e);
    }

    @Test
    void badMagic() {
        byte[] data = valid.clone();
        data[1] = 0x02;
        assertContains("bad magic bytes, expected Avro single-object header C3 01", fails(data));
    }

    @Test
    void emptyArray() {
        assertContains("empty payload (0 bytes)", fails(new byte[0]));
    }

    @Test
    void truncatedHeader() {
        assertContains("truncated header (6 of 10 bytes)", fails(Arrays.copyOf(valid, 6)));
    }

    @Test
    void truncatedBodyAtEveryLength() {
        for (int n = AvroSerde.HEADER_LENGTH; n < valid.length; n++) {
            SerializationException e = fails(Arrays.copyOf(valid, n));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("exceeds"), e.getMessage());
        }
    }

    @Test
    void trailingBytes() {
        byte[] data = Arrays.copyOf(valid, valid.length + 3);
        assertContains("3 unexpected trailing bytes after the record", fails(data));
    }

    @Test
    void hugeLengthPrefixIsRejectedWithoutAllocating() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, AvroSerde.HEADER_LENGTH);
        long zigzag = 2L * 1_500_000_000L; // "the model name is 1.5 GB long"
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        out.write('m');
        SerializationException e = fails(out.toByteArray());
        assertContains("length 1500000000 at FeatureVector.model exceeds the 1 remaining bytes", e);
    }

    @Test
    void truncationInsideMapsAndArraysNamesTheNestedLocation() {
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (int cut = AvroSerde.HEADER_LENGTH; cut < valid.length; cut++) {
            SerializationException e = fails(Arrays.copyOf(valid, cut));
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
        }
        String all = String.join("\n", messages);
        // a map entry's key, its value (by position in the block) and a plain field are all named
        assertTrue(all.contains(" at FeatureVector.context.<key> "), all);
        assertTrue(all.contains(" at FeatureVector.context[1]"), all);
        assertTrue(all.contains(" at FeatureVector.entity"), all);
    }

    @Test
    void invalidUnionIndex() {
        FeatureVector fv = Fixtures.featureVectorMinimal(); // eventId null: the last byte is its union index 0
        byte[] data = serde.serialize("features", fv);
        data[data.length - 1] = 0x08; // zig-zag 4: no such branch
        assertContains("index 4 at FeatureVector.eventId is out of range 0..1", fails(data));
    }

    @Test
    void randomBytesNeverYieldARecord() {
        Random rnd = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] data = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(data);
            if (i % 2 == 0) { // half of them with a valid header, so the body checks are exercised
                System.arraycopy(valid, 0, data, 0, Math.min(AvroSerde.HEADER_LENGTH, data.length));
            }
            try {
                FeatureVector v = serde.deserialize("features", data);
                // a random body can be valid Avro by chance: then it must be a complete record
                assertTrue(v.getModel() != null && v.getFeatures() != null && v.getEventTime() != null);
            } catch (SerializationException e) {
                assertContains("first bytes [", e);
            }
        }
    }

    @Test
    void serializingAnIncompleteRecordNamesTheField() {
        FeatureVector broken = new FeatureVector();
        broken.setEntity("e");
        broken.setEventTime(Instant.EPOCH);
        broken.setFeatures(Map.of());
        SerializationException e = assertThrows(SerializationException.class, () -> serde.serialize("features", broken));
        assertContains("Cannot serialize FeatureVector for topic 'features'", e);
        assertContains("model", e);
    }

    @Test
    void hexPrefixIsBoundedAndShowsLength() {
        byte[] data = new byte[40];
        Arrays.fill(data, (byte) 0xAB);
        SerializationException e = fails(data);
        assertContains("[ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ...] (40 bytes)", e);
    }

    @Test
    void scoredEventSerdeRejectsFeatureVector() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> NormalcySerdes.scoredEvent().deserialize("scores", valid));
        assertContains("Cannot deserialize ScoredEvent from topic 'scores'", e);
        assertContains("FeatureVector v1", e);
        assertEquals(ScoredEvent.class, NormalcySerdes.scoredEvent().type());
    }
}
