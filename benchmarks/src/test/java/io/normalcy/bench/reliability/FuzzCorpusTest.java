package io.normalcy.bench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.bench.reliability.FuzzCorpus.Bad;
import io.normalcy.bench.reliability.FuzzCorpus.Kind;
import io.normalcy.bench.reliability.Ledger.Dest;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The fuzz corpus is what it claims against the project's own feature-vector decoder: every kind booked as a
 * DESERIALIZATION dead letter really fails to decode, and every other kind decodes (so its outcome is decided by
 * scoring: missing/unknown/non-finite feature, no model, size). Otherwise the fuzz case would test nothing, or blame
 * the detector for the corpus.
 */
class FuzzCorpusTest {
    private final FuzzCorpus corpus = new FuzzCorpus(Traffic.of("fuzz", "chaos-model"));
    private final FeatureVectorSerde decoder = new FeatureVectorSerde();

    @Test
    void atLeastTwelveDistinctKinds() {
        List<Kind> kinds = corpus.kinds();
        Set<String> names = new HashSet<>();
        kinds.forEach(k -> assertTrue(names.add(k.name()), "duplicate kind " + k.name()));
        assertTrue(kinds.size() >= 12, kinds.size() + " kinds");
    }

    @Test
    void deserializationKindsDoNotDecodeAndTheOthersDo() {
        Random rng = new Random(1);
        for (Kind k : corpus.kinds()) {
            Bad bad = k.make(3, rng);
            boolean deser = k.expect().dest() == Dest.DLQ && k.expect().reasons().contains("DESERIALIZATION");
            if (deser) {
                if (bad.value() == null) {
                    assertEquals(null, decoder.deserialize("t", null), k.name());
                } else {
                    assertThrows(SerializationException.class, () -> decoder.deserialize("t", bad.value()), k.name());
                }
            } else if (k.name().equals("one-mb-value")) {
                assertTrue(bad.value().length > 1_000_000, "~1 MB");
                assertThrows(SerializationException.class, () -> decoder.deserialize("t", bad.value()), k.name());
            } else {
                FeatureVector fv = decoder.deserialize("t", bad.value());
                assertNotNull(fv, k.name());
            }
        }
    }

    @Test
    void theHugeEntityIsSixHundredKilobytesInKeyAndValue() {
        Bad bad = corpus.kinds().stream().filter(k -> k.name().equals("huge-entity")).findFirst().orElseThrow()
                .make(0, new Random(2));
        assertTrue(bad.key().length >= 600 * 1024);
        assertEquals(bad.key().length, decoder.deserialize("t", bad.value()).getEntity().length());
    }
}
