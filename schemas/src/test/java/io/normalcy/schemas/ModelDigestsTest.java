package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.CategoricalField;
import io.normalcy.avro.CombinationThreshold;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.CyclicField;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.FlowType;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NumericField;
import io.normalcy.schemas.serde.NormalcySerdes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ModelDigestsTest {

    private static final ModelVersion BASE = Fixtures.modelVersionFull();

    private record Mutation(String field, Consumer<ModelVersion> change) {
    }

    private static final CombinationThreshold COMBINATION = new CombinationThreshold(List.of("region", "tier"),
            List.of("eu", "gold"), -7.5, 300L, false);

    private static ModelVersion mutated(Consumer<ModelVersion> change) {
        ModelVersion copy = ModelVersion.newBuilder(BASE).build(); // deep copy
        change.accept(copy);
        return copy;
    }

    private static List<Mutation> mutations() {
        return List.of(
                new Mutation("model", m -> m.setModel("other")),
                new Mutation("version", m -> m.setVersion(43)),
                new Mutation("flowType", m -> m.setFlowType(FlowType.REALNVP)),
                new Mutation("architecture", m -> m.getArchitecture().setDim(3)),
                new Mutation("architecture", m -> m.getArchitecture().setHidden(List.of(16, 17))),
                new Mutation("architecture", m -> m.getArchitecture().setScaleClamp(Math.nextUp(3.0))),
                new Mutation("architecture", m -> m.getArchitecture().setPermutation("RANDOM")),
                new Mutation("features", m -> m.getFeatures().get(0).setMean(2.5000001)),
                new Mutation("features", m -> m.getFeatures().get(1).setDequantize(false)),
                new Mutation("context", m -> m.getContext().getCategorical().get(0).setVocabulary(List.of("eu", "uk"))),
                new Mutation("context", m -> m.getContext().getCyclic().get(0).setPeriod(7.0)),
                new Mutation("context", m -> m.getContext().getNumeric().get(0).setStd(10.5)),
                new Mutation("thresholds", m -> m.getThresholds().get(0).setGlobal(-9.25)),
                new Mutation("thresholds", m -> m.getThresholds().get(0).getPerContext().get(1).setFallback(false)),
                new Mutation("thresholds", m -> m.setThresholds(List.of(BASE.getThresholds().get(1), BASE.getThresholds().get(0)))),
                new Mutation("thresholds", m -> m.getThresholds().get(0).setPerCombination(List.of(COMBINATION))),
                new Mutation("typicalContributions", m -> m.setTypicalContributions(Map.of("amount", -1.5, "count", -0.5))),
                new Mutation("typicalContributions", m -> m.setTypicalContributions(Map.of("amount", -1.5))),
                new Mutation("tensors", m -> {
                    ByteBuffer data = m.getTensors().get(0).getData();
                    data.put(0, (byte) (data.get(0) ^ 1));
                }),
                new Mutation("tensors", m -> m.getTensors().get(1).setName("b0.actnorm.bias2")),
                new Mutation("provenance", m -> m.getProvenance().setSeed(8)),
                new Mutation("provenance", m -> m.getProvenance().setDataWindowStart(null)),
                new Mutation("provenance", m -> m.getProvenance().setSourceOffsets(Map.of("normalcy.features-0", 101L))),
                new Mutation("provenance", m -> m.getProvenance().setConfig(Map.of("epochs", "21", "lr", "0.001"))),
                new Mutation("provenance", m -> m.getProvenance().setTrainingMillis(null)),
                new Mutation("provenance", m -> m.getProvenance().setBackend("CPU")),
                new Mutation("derived", m -> m.setDerived(List.of("amount.diff"))),
                new Mutation("missing", m -> m.setMissing(List.of(new io.normalcy.avro.MissingValuePolicy("amount",
                        io.normalcy.avro.MissingPolicy.IMPUTE, 12.5)))));
    }

    @Test
    void changingAnyFieldChangesTheDigest() {
        byte[] base = ModelDigests.compute(BASE);
        assertEquals(32, base.length);
        Set<String> seen = new HashSet<>();
        Set<String> digests = new HashSet<>();
        digests.add(HexFormat.of().formatHex(base));
        for (Mutation m : mutations()) {
            byte[] d = ModelDigests.compute(mutated(m.change()));
            assertTrue(digests.add(HexFormat.of().formatHex(d)), "mutation of " + m.field() + " left the digest unchanged or collided");
            seen.add(m.field());
        }
        Set<String> expected = new HashSet<>();
        for (Schema.Field f : ModelVersion.getClassSchema().getFields()) {
            expected.add(f.name());
        }
        expected.removeAll(Set.of("formatVersion", "digest", "signature", "signatureAlgorithm"));
        assertEquals(expected, seen, "every covered field has a mutation");
    }

    @Test
    void digestAndSignatureFieldsAreExcluded() {
        byte[] base = ModelDigests.compute(BASE);
        ModelVersion other = ModelVersion.newBuilder(BASE).setDigest(ByteBuffer.wrap(new byte[] {9, 9}))
                .setSignature(null).setSignatureAlgorithm("Ed25519").build();
        assertArrayEquals(base, ModelDigests.compute(other));
    }

    @Test
    void mapOrderDoesNotMatter() {
        Map<String, Double> reversed = new LinkedHashMap<>();
        new TreeMap<>(BASE.getTypicalContributions()).descendingMap().forEach(reversed::put);
        Map<String, String> config = new LinkedHashMap<>();
        new TreeMap<>(BASE.getProvenance().getConfig()).descendingMap().forEach(config::put);
        ModelVersion reordered = mutated(m -> {
            m.setTypicalContributions(reversed);
            m.getProvenance().setConfig(config);
        });
        assertArrayEquals(ModelDigests.compute(BASE), ModelDigests.compute(reordered));
        ModelVersion viaKafka = NormalcySerdes.modelVersion().deserialize("m", NormalcySerdes.modelVersion().serialize("m", BASE));
        assertArrayEquals(ModelDigests.compute(BASE), ModelDigests.compute(viaKafka));
    }

    /** "Aa" and "BB" share a String hash code, so a HashMap keeps them in insertion order: only sorting helps. */
    @Test
    void collidingKeysInEitherInsertionOrderGiveOneDigest() {
        Map<String, Double> ab = new LinkedHashMap<>();
        ab.put("Aa", 1.0);
        ab.put("BB", 2.0);
        Map<String, Double> ba = new LinkedHashMap<>();
        ba.put("BB", 2.0);
        ba.put("Aa", 1.0);
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertArrayEquals(ModelDigests.compute(mutated(m -> m.setTypicalContributions(ab))),
                ModelDigests.compute(mutated(m -> m.setTypicalContributions(ba))));
    }

    @Test
    void canonicalPayloadIsPlainAvroBinaryOfTheBlankedRecord() throws Exception {
        ModelVersion minimal = Fixtures.modelVersionMinimal(); // no map has two entries: order is moot
        ModelVersion blank = ModelVersion.newBuilder(minimal).setDigest(ByteBuffer.allocate(0)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<ModelVersion>(ModelVersion.class).write(blank, enc);
        enc.flush();
        assertArrayEquals(out.toByteArray(), ModelDigests.canonicalPayload(minimal));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()), ModelDigests.compute(minimal));
    }

    @Test
    void withDigestAndMatches() {
        ModelVersion signed = ModelDigests.withDigest(BASE);
        assertTrue(ModelDigests.matches(signed));
        assertEquals(BASE.getSignature(), signed.getSignature());
        assertFalse(ModelDigests.matches(BASE), "fixture digest is 32 zero bytes");
        signed.setVersion(signed.getVersion() + 1);
        assertFalse(ModelDigests.matches(signed));
    }

    @Test
    void computingDoesNotModifyTheRecord() {
        ModelVersion copy = ModelVersion.newBuilder(BASE).build();
        ModelDigests.compute(copy);
        assertEquals(BASE, copy);
    }

    /**
     * FeatureSpec.step arrived with format 2: a format-2 digest covers it, a format-1 record is digested under the
     * v1 schema (step projected away), so a model written by the previous release keeps its digest.
     */
    @Test
    void featureStepIsCoveredFromFormatTwo() {
        ModelVersion plain = mutated(m -> m.setFormatVersion(2));
        ModelVersion stepped = mutated(m -> {
            m.setFormatVersion(2);
            m.getFeatures().get(0).setStep(0.1);
        });
        assertFalse(Arrays.equals(ModelDigests.compute(plain), ModelDigests.compute(stepped)));
        ModelVersion v1 = mutated(m -> m.setFormatVersion(1));
        ModelVersion v1Stepped = mutated(m -> {
            m.setFormatVersion(1);
            m.getFeatures().get(0).setStep(0.1);
        });
        assertArrayEquals(ModelDigests.compute(v1), ModelDigests.compute(v1Stepped));
    }

    /**
     * ThresholdSet.perCombination arrived with format 5: a format-5 digest covers it; a format-4 record is digested
     * under the v4 schema (the entries projected away), which is why a reader refuses entries in such a record.
     */
    @Test
    void combinationThresholdsAreCoveredFromFormatFive() {
        ModelVersion plain = mutated(m -> m.setFormatVersion(5));
        ModelVersion combined = mutated(m -> {
            m.setFormatVersion(5);
            m.getThresholds().get(0).setPerCombination(List.of(COMBINATION));
        });
        assertFalse(Arrays.equals(ModelDigests.compute(plain), ModelDigests.compute(combined)));
        ModelVersion v4 = mutated(m -> m.setFormatVersion(4));
        ModelVersion v4Combined = mutated(m -> {
            m.setFormatVersion(4);
            m.getThresholds().get(0).setPerCombination(List.of(COMBINATION));
        });
        assertArrayEquals(ModelDigests.compute(v4), ModelDigests.compute(v4Combined));
    }

    @Test
    void unknownFormatVersionIsRefused() {
        ModelVersion future = mutated(m -> m.setFormatVersion(99));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelDigests.compute(future));
        assertTrue(e.getMessage().contains("formatVersion 99"), e.getMessage());
    }

    @Test
    void featureSchemaFingerprintFollowsTheDocumentedRule() throws Exception {
        List<FeatureSpec> features = List.of(new FeatureSpec("count", 1, true, false, 3.0, 2.0, 0.0),
                new FeatureSpec("amount", 0, false, true, 2.5, 1.25, 0.0));
        ContextSpecRecord ctx = new ContextSpecRecord(List.of(new CategoricalField("region", List.of("eu"))),
                List.of(new CyclicField("hour", "@hourOfDay", 24.0)), List.of(new NumericField("age", 1.0, 2.0)));
        String lines = "feature:0:amount:false:true\nfeature:1:count:true:false\ncategorical:region\n"
                + "cyclic:hour:@hourOfDay:24.0\nnumeric:age\n";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lines.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, ModelDigests.featureSchemaFingerprint(features, ctx));

        // learned statistics do not matter, the input contract does
        List<FeatureSpec> retrained = List.of(new FeatureSpec("count", 1, true, false, 9.0, 9.0, 0.0),
                new FeatureSpec("amount", 0, false, true, 7.5, 0.5, 0.0));
        ContextSpecRecord newVocab = new ContextSpecRecord(List.of(new CategoricalField("region", List.of("eu", "us"))),
                ctx.getCyclic(), List.of(new NumericField("age", 5.0, 6.0)));
        assertEquals(expected, ModelDigests.featureSchemaFingerprint(retrained, newVocab));
        List<FeatureSpec> renamed = List.of(features.get(0), new FeatureSpec("amt", 0, false, true, 2.5, 1.25, 0.0));
        assertNotEquals(expected, ModelDigests.featureSchemaFingerprint(renamed, ctx));
    }
}
