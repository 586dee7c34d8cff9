package io.normalcy.flow.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NamedTensor;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.NamedTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStateMapperTest {
    private final NormalcyModel model = TestModels.model();

    @TempDir
    Path dir;

    @Test
    void saveLoadGivesIdenticalLogDensities() throws Exception {
        Path file = dir.resolve("m.avro");
        ModelFiles.save(file, model);
        NormalcyModel loaded = ModelFiles.load(file);
        assertEquals(model.name(), loaded.name());
        assertEquals(model.version(), loaded.version());
        assertEquals(model.spec(), loaded.spec());
        assertEquals(model.parameters(), loaded.parameters());
        assertEquals(model.featureNames(), loaded.featureNames());
        assertEquals(model.contextSpec(), loaded.contextSpec());
        assertEquals(model.thresholds(), loaded.thresholds());
        assertEquals(model.typicalContributions(), loaded.typicalContributions());
        assertEquals(model.provenance(), loaded.provenance());
        assertEquals(model.featureSchemaFingerprint(), loaded.featureSchemaFingerprint());
        Scorer a = model.newScorer();
        Scorer b = loaded.newScorer();
        Random rng = new Random(3);
        String[] shops = {"A", "B", "Q"};
        for (int i = 0; i < 200; i++) {
            Map<String, Double> f = Map.of("amount", Math.exp(rng.nextGaussian() * 2), "count",
                    (double) rng.nextInt(10), "ratio", -1 + 0.3 * rng.nextGaussian());
            Map<String, String> c = Map.of("shop", shops[i % 3]);
            long t = 1_700_000_000_000L + rng.nextInt(86_400_000);
            Score sa = a.score(f, c, Map.of(), t);
            Score sb = b.score(f, c, Map.of(), t);
            assertEquals(sa.logDensity(), sb.logDensity(), 1e-12);
            for (int j = 0; j < 3; j++) {
                assertEquals(sa.contributions()[j], sb.contributions()[j], 1e-12);
            }
        }
    }

    /** A stepped feature (issue 13) needs format 2; its step survives the round trip and shapes the score. */
    @Test
    void dequantisationStepRoundTripsInFormatTwo() throws Exception {
        NormalcyModel base = TestModels.model();
        FeaturePreprocessor stepped = new FeaturePreprocessor(List.of(
                new FeaturePreprocessor.Feature("amount", false, true, 3.0, 1.5),
                new FeaturePreprocessor.Feature("count", true, false, 4.0, 2.0),
                new FeaturePreprocessor.Feature("ratio", false, false, -1.0, 0.25, 0.1)));
        NormalcyModel model = new NormalcyModel(base.name(), base.version(), base.spec(), base.parameters(), stepped,
                base.contextSpec(), base.thresholds(), base.typicalContributions(), base.provenance());
        ModelVersion mv = ModelStateMapper.toState(model);
        assertEquals(2, mv.getFormatVersion());
        assertTrue(ModelDigests.matches(mv));
        NormalcyModel back = ModelStateMapper.fromState(mv);
        assertEquals(0.1, back.preprocessor().features().get(2).step(), 0.0);
        Map<String, Double> x = Map.of("amount", 12.5, "count", 3.0, "ratio", -0.9);
        Map<String, String> ctx = Map.of("shop", "A");
        double before = model.newScorer().score(x, ctx, Map.of(), 1_700_000_000_000L).logDensity();
        assertEquals(before, back.newScorer().score(x, ctx, Map.of(), 1_700_000_000_000L).logDensity(), 0.0);
        double unstepped = base.newScorer().score(x, ctx, Map.of(), 1_700_000_000_000L).logDensity();
        assertTrue(before != unstepped, "the step moves the scored point to the bin centre");
    }

    @Test
    void fingerprintMatchesTheSchemasDefinition() {
        ModelVersion mv = ModelStateMapper.toState(model);
        assertEquals(ModelDigests.featureSchemaFingerprint(mv.getFeatures(), mv.getContext()),
                model.featureSchemaFingerprint());
        assertEquals(model.featureSchemaFingerprint(), mv.getProvenance().getFeatureSchemaFingerprint());
        // a MAF model without dequantisation steps: written in the oldest format, which older detectors read
        assertEquals(ModelStateMapper.MIN_FORMAT_VERSION, mv.getFormatVersion());
        assertEquals(32, mv.getDigest().remaining());
        assertTrue(ModelDigests.matches(mv));
    }

    @Test
    void mixtureModelRoundTripsInFormatVersion2() throws Exception {
        NormalcyModel mog = TestModels.model(TestModels.mixtureSpec());
        ModelVersion mv = ModelStateMapper.toState(mog);
        assertEquals(2, mv.getFormatVersion());
        assertEquals(io.normalcy.avro.FlowType.MAF_MOG, mv.getFlowType());
        assertEquals(3, mv.getArchitecture().getComponents());
        assertTrue(ModelDigests.matches(mv));
        NormalcyModel loaded = ModelStateMapper.fromState(mv);
        assertEquals(mog.spec(), loaded.spec());
        assertEquals(mog.parameters(), loaded.parameters());
        Scorer a = mog.newScorer();
        Scorer b = loaded.newScorer();
        Random rng = new Random(5);
        for (int i = 0; i < 50; i++) {
            Map<String, Double> f = Map.of("amount", Math.exp(rng.nextGaussian()), "count", (double) rng.nextInt(8),
                    "ratio", rng.nextGaussian());
            Score sa = a.score(f, Map.of("shop", "A"), Map.of(), 1_700_000_000_000L);
            Score sb = b.score(f, Map.of("shop", "A"), Map.of(), 1_700_000_000_000L);
            assertEquals(sa.logDensity(), sb.logDensity(), 1e-12);
            double sum = 0;
            for (double c : sb.contributions()) {
                sum += c;
            }
            assertEquals(sb.logDensity(), sum, 1e-9, "contributions sum to the log-density");
        }
    }

    @Test
    void formatVersion1CannotCarryAMixture() {
        ModelVersion v2 = ModelStateMapper.toState(TestModels.model(TestModels.mixtureSpec()));
        ModelVersion claimsV1 = ModelVersion.newBuilder(v2).setFormatVersion(1).build();
        assertThrows(InvalidModelException.class, () -> ModelStateMapper.fromState(claimsV1));
        ModelVersion mafWithComponents = ModelDigests.withDigest(ModelVersion.newBuilder(ModelStateMapper.toState(model))
                .setArchitecture(io.normalcy.avro.Architecture.newBuilder(ModelStateMapper.toState(model)
                        .getArchitecture()).setComponents(4).build()).build());
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> ModelStateMapper.fromState(mafWithComponents));
        assertTrue(e.getMessage().contains("FlowSpec.components"), e.getMessage());
    }

    private ModelVersion tampered(UnaryOperator<ModelVersion.Builder> change) {
        return ModelDigests.withDigest(change.apply(ModelVersion.newBuilder(ModelStateMapper.toState(model))).build());
    }

    private static List<NamedTensor> replace(ModelVersion.Builder b, String name, NamedTensor replacement) {
        List<NamedTensor> out = new ArrayList<>();
        for (NamedTensor t : b.getTensors()) {
            if (!t.getName().equals(name)) {
                out.add(t);
            } else if (replacement != null) {
                out.add(replacement);
            }
        }
        return out;
    }

    private static void assertInvalid(ModelVersion mv, String... fragments) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelStateMapper.fromState(mv));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @Test
    void tamperedContentFailsTheDigest() {
        ModelVersion mv = ModelStateMapper.toState(model);
        ModelVersion.Builder b = ModelVersion.newBuilder(mv);
        NamedTensor t = b.getTensors().get(3);
        float[] v = NamedTensors.values(t);
        v[0] += 1e-3f;
        b.setTensors(replace(b, t.getName(), NamedTensors.of(t.getName(), NamedTensors.shape(t), v)));
        assertInvalid(b.build(), "digest mismatch");
        ModelVersion renamed = ModelVersion.newBuilder(mv).setModel("other").build();
        assertInvalid(renamed, "digest mismatch");
    }

    @Test
    void wrongFormatVersion() {
        // format 2 is readable since issue 13 (MAF_MOG, FeatureSpec.step): the first unknown one is FORMAT_VERSION + 1
        int future = ModelStateMapper.FORMAT_VERSION + 1;
        ModelVersion mv = ModelVersion.newBuilder(ModelStateMapper.toState(model)).setFormatVersion(future).build();
        assertInvalid(mv, "format version " + future);
    }

    @Test
    void missingTensor() {
        assertInvalid(tampered(b -> b.setTensors(replace(b, "b1.ar.bout", null))), "missing tensor", "b1.ar.bout");
    }

    @Test
    void unexpectedTensor() {
        assertInvalid(tampered(b -> {
            List<NamedTensor> ts = new ArrayList<>(b.getTensors());
            ts.add(NamedTensors.of("b9.extra", new int[] {1}, new float[] {1}));
            return b.setTensors(ts);
        }), "unexpected tensor", "b9.extra");
    }

    @Test
    void wrongShape() {
        assertInvalid(tampered(b -> b.setTensors(replace(b, "b0.ar.w0",
                NamedTensors.of("b0.ar.w0", new int[] {3, 16}, new float[48])))), "b0.ar.w0", "shape [3, 16]",
                "[16, 3]");
    }

    @Test
    void nanInATensor() {
        assertInvalid(tampered(b -> {
            NamedTensor t = b.getTensors().stream().filter(x -> x.getName().equals("b1.ar.w1")).findFirst()
                    .orElseThrow();
            float[] v = NamedTensors.values(t);
            v[5] = Float.NaN;
            return b.setTensors(replace(b, t.getName(), NamedTensors.of(t.getName(), NamedTensors.shape(t), v)));
        }), "b1.ar.w1", "non-finite", "index 5");
    }

    @Test
    void truncatedTensorBytes() {
        assertInvalid(tampered(b -> {
            NamedTensor t = b.getTensors().stream().filter(x -> x.getName().equals("b0.ar.bout")).findFirst()
                    .orElseThrow();
            ByteBuffer data = t.getData().duplicate();
            data.limit(data.limit() - 4);
            return b.setTensors(replace(b, t.getName(), NamedTensor.newBuilder(t).setData(data.slice()).build()));
        }), "b0.ar.bout", "20 bytes", "needs 24");
    }

    @Test
    void invalidDegrees() {
        assertInvalid(tampered(b -> b.setTensors(replace(b, TestModels.degrees0(),
                NamedTensors.of(TestModels.degrees0(), new int[] {3}, new float[] {0, 1, 2})))),
                TestModels.degrees0());
    }

    @Test
    void inconsistentFeaturesContextAndThresholds() {
        assertInvalid(tampered(b -> b.setFeatures(b.getFeatures().subList(0, 2))), "2 features", "dim is 3");
        assertInvalid(tampered(b -> {
            b.getContext().getCategorical().get(0).setVocabulary(List.of("A", "B", "C"));
            return b;
        }), "context encoding has length 6", "contextDim is 5");
        assertInvalid(tampered(b -> {
            List<ThresholdSet> ts = new ArrayList<>(b.getThresholds());
            ts.set(0, ThresholdSet.newBuilder(ts.get(0)).setGlobal(Double.NaN).build());
            return b.setThresholds(ts);
        }), "threshold", "not finite");
        assertInvalid(tampered(b -> {
            b.getFeatures().get(1).setStd(-1.0);
            return b;
        }), "count", "std");
        assertInvalid(tampered(b -> b.setTypicalContributions(Map.of("nope", 1.0))), "'nope'");
    }

    @Test
    void fileErrorsAreInvalidModelExceptions() throws IOException {
        Path file = dir.resolve("m.avro");
        ModelFiles.save(file, model);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.avro");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelFiles.read(truncated));
        assertTrue(e.getMessage().contains("truncated.avro"), e.getMessage());
        Path text = dir.resolve("text.avro");
        Files.writeString(text, "amount,count\n1,2\n");
        assertThrows(InvalidModelException.class, () -> ModelFiles.read(text));
    }

    /** A model whose third feature is derived from the first one's history (issue 12). */
    private static NormalcyModel withDerivedFeature(String derivedName) {
        NormalcyModel base = TestModels.model();
        FeaturePreprocessor p = new FeaturePreprocessor(List.of(
                new FeaturePreprocessor.Feature("amount", false, true, 3.0, 1.5),
                new FeaturePreprocessor.Feature("count", true, false, 4.0, 2.0),
                new FeaturePreprocessor.Feature(derivedName, false, false, -1.0, 0.25)));
        return new NormalcyModel(base.name(), base.version(), base.spec(), base.parameters(), p, base.contextSpec(),
                base.thresholds(), Map.of(), base.provenance(),
                io.normalcy.schemas.derived.DerivedFeatures.parse(List.of(derivedName)));
    }

    @Test
    void derivedFeaturesTravelInFormatThree() throws Exception {
        NormalcyModel m = withDerivedFeature("amount.mean_10");
        ModelVersion mv = ModelStateMapper.toState(m);
        assertEquals(3, mv.getFormatVersion());
        assertEquals(List.of("amount.mean_10"), mv.getDerived());
        assertTrue(ModelDigests.matches(mv));
        NormalcyModel back = ModelStateMapper.fromState(mv);
        assertEquals(m.derived(), back.derived());
        assertEquals(List.of("amount"), back.derived().sources());
        assertEquals(1, ModelStateMapper.toState(TestModels.model()).getFormatVersion(),
                "a model without derived features keeps the oldest format that holds it");
        assertTrue(ModelStateMapper.fromState(ModelStateMapper.toState(TestModels.model())).derived().isEmpty());
    }

    @Test
    void derivedFeaturesOutsideTheDigestOfAnOlderFormatAreRefused() {
        ModelVersion v1 = ModelStateMapper.toState(TestModels.model());
        ModelVersion injected = ModelDigests.withDigest(ModelVersion.newBuilder(v1)
                .setDerived(List.of("amount.diff")).build());
        assertTrue(ModelDigests.matches(injected), "format 1 digests do not cover the field");
        assertInvalid(injected, "derived features [amount.diff] in a format 1 record");
    }

    @Test
    void invalidDerivedFeaturesAreRefused() {
        ModelVersion ok = ModelStateMapper.toState(withDerivedFeature("amount.mean_10"));
        assertInvalid(ModelDigests.withDigest(ModelVersion.newBuilder(ok).setDerived(List.of("amount.median_3"))
                .build()), "invalid derived features", "amount.median_3");
        assertInvalid(ModelDigests.withDigest(ModelVersion.newBuilder(ok).setDerived(List.of("count.diff"))
                .build()), "derived feature 'count.diff' is not one of its features");
        assertInvalid(ModelDigests.withDigest(ModelVersion.newBuilder(ok)
                .setDerived(List.of("amount.mean_10", "amount.mean_10.diff")).build()), "not one of its");
    }

    private static NormalcyModel withPolicies() {
        return TestModels.model().withMissing(new io.normalcy.flow.model.MissingValues(Map.of(
                "amount", new io.normalcy.flow.model.MissingValues.Entry(io.normalcy.flow.model.MissingPolicy.IMPUTE,
                        17.25),
                "ratio", new io.normalcy.flow.model.MissingValues.Entry(io.normalcy.flow.model.MissingPolicy.SKIP,
                        -0.5))));
    }

    /** Issue 12 item 4: policies and medians travel in format 4; a model without any keeps its older format. */
    @Test
    void missingValuePoliciesTravelInFormatFour() throws Exception {
        NormalcyModel m = withPolicies();
        ModelVersion mv = ModelStateMapper.toState(m);
        assertEquals(4, mv.getFormatVersion());
        assertEquals(2, mv.getMissing().size());
        assertTrue(ModelDigests.matches(mv));
        NormalcyModel back = ModelStateMapper.fromState(mv);
        assertEquals(m.missing(), back.missing());
        assertEquals(17.25, back.missing().median("amount"), 0.0);
        assertEquals(io.normalcy.flow.model.MissingPolicy.SKIP, back.missing().policy("ratio"));
        assertEquals(io.normalcy.flow.model.MissingPolicy.DEAD_LETTER, back.missing().policy("count"));
        assertEquals(1, ModelStateMapper.toState(TestModels.model()).getFormatVersion());
        assertTrue(ModelStateMapper.fromState(ModelStateMapper.toState(TestModels.model())).missing().isEmpty());
        Path file = dir.resolve("policies.avro");
        ModelFiles.save(file, m);
        assertEquals(m.missing(), ModelFiles.load(file).missing());
    }

    @Test
    void missingValuePoliciesOutsideTheDigestOfAnOlderFormatOrInvalidAreRefused() {
        ModelVersion v1 = ModelStateMapper.toState(TestModels.model());
        ModelVersion injected = ModelDigests.withDigest(ModelVersion.newBuilder(v1).setMissing(List.of(
                new io.normalcy.avro.MissingValuePolicy("amount", io.normalcy.avro.MissingPolicy.SKIP, 1.0))).build());
        assertInvalid(injected, "missing-value policies in a format 1 record");
        ModelVersion ok = ModelStateMapper.toState(withPolicies());
        assertInvalid(ModelDigests.withDigest(ModelVersion.newBuilder(ok).setMissing(List.of(
                new io.normalcy.avro.MissingValuePolicy("amount", io.normalcy.avro.MissingPolicy.IMPUTE, Double.NaN)))
                .build()), "feature 'amount'", "finite");
        assertInvalid(ModelDigests.withDigest(ModelVersion.newBuilder(ok).setMissing(List.of(
                new io.normalcy.avro.MissingValuePolicy("nope", io.normalcy.avro.MissingPolicy.SKIP, 1.0)))
                .build()), "'nope'");
    }
}
