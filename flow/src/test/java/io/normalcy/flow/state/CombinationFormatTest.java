package io.normalcy.flow.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.CombinationThreshold;
import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.MissingValues;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.schemas.ModelDigests;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Combination thresholds travel in model format 5; older formats cannot carry them. */
class CombinationFormatTest {
    @TempDir
    Path dir;

    @Test
    void combinationThresholdsRoundTripInFormatFive() throws Exception {
        NormalcyModel m = TestModels.combinationModel();
        ModelVersion mv = ModelStateMapper.toState(m);
        assertEquals(ModelStateMapper.COMBINATION_FORMAT_VERSION, mv.getFormatVersion());
        assertEquals(5, ModelStateMapper.FORMAT_VERSION);
        assertEquals(ModelStateMapper.FORMAT_VERSION, ModelDigests.CURRENT_FORMAT_VERSION);
        assertTrue(ModelDigests.matches(mv));
        CombinationThreshold stored = mv.getThresholds().get(0).getPerCombination().get(0);
        assertEquals(List.of("shop", "channel"), stored.getFields());
        assertEquals(List.of("A", "web"), stored.getValues());
        assertEquals(2, mv.getThresholds().get(0).getPerCombination().size());
        NormalcyModel back = ModelStateMapper.fromState(mv);
        assertEquals(m.thresholds(), back.thresholds());
        Path file = dir.resolve("combinations.avro");
        ModelFiles.save(file, m);
        NormalcyModel loaded = ModelFiles.load(file);
        assertEquals(m.thresholds(), loaded.thresholds());
        Map<String, String> aWeb = Map.of("shop", "A", "channel", "web");
        assertEquals("shop=A,channel=web", loaded.thresholds().evaluate(-12, aWeb).scope());
        assertEquals(-11.75, loaded.thresholds().evaluate(-12, aWeb).threshold());
        Map<String, String> bApp = Map.of("shop", "B", "channel", "app");
        assertEquals("shop=B,channel=app", loaded.thresholds().evaluate(-11, bApp).scope());
        assertEquals("global", loaded.thresholds().evaluate(-15, bApp).scope(), "B×app: warning level only");
        assertEquals(mv.getDigest(), ModelStateMapper.toState(loaded).getDigest(), "re-serialising is byte-stable");
    }

    /** Format 5 wins over the older features' formats; a model without combinations keeps its older format. */
    @Test
    void formatFiveOnlyWhenTheModelHasCombinations() {
        NormalcyModel withPolicies = TestModels.combinationModel().withMissing(new MissingValues(Map.of("amount",
                new MissingValues.Entry(MissingPolicy.IMPUTE, 3.5))));
        assertEquals(5, ModelStateMapper.toState(withPolicies).getFormatVersion());
        assertEquals(4, ModelStateMapper.toState(TestModels.model().withMissing(withPolicies.missing()))
                .getFormatVersion());
        assertEquals(1, ModelStateMapper.toState(TestModels.model()).getFormatVersion());
        NormalcyModel m = TestModels.combinationModel();
        NormalcyModel none = new NormalcyModel(m.name(), m.version(), m.spec(), m.parameters(), m.preprocessor(),
                m.contextSpec(), new io.normalcy.flow.model.Thresholds(m.thresholds().levels().stream()
                        .map(l -> new io.normalcy.flow.model.ThresholdLevel(l.level(), l.severity(), l.global(),
                                l.globalCount(), l.perContext())).toList(), m.thresholds().scopeFields()),
                m.typicalContributions(), m.provenance());
        ModelVersion mv = ModelStateMapper.toState(none);
        assertEquals(1, mv.getFormatVersion());
        assertTrue(mv.getThresholds().stream().allMatch(t -> t.getPerCombination().isEmpty()));
    }

    /** Entries in an older format's record are outside its digest: not written by a trainer, so refused. */
    @Test
    void combinationsOutsideTheDigestOfAnOlderFormatAreRefused() {
        ModelVersion five = ModelStateMapper.toState(TestModels.combinationModel());
        ModelVersion four = ModelDigests.withDigest(ModelVersion.newBuilder(five).setFormatVersion(4).build());
        assertTrue(ModelDigests.matches(four), "format 4 digests do not cover the field");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelStateMapper.fromState(four));
        assertTrue(e.getMessage().contains("combination thresholds in a format 4 record"), e.getMessage());
    }

    @Test
    void invalidCombinationsAreNamed() {
        assertInvalid(c -> c.setFields(List.of("shop", "colour")), "'colour'", "not a categorical context field");
        assertInvalid(c -> c.setValues(List.of("A")), "2 fields but 1 values");
        assertInvalid(c -> {
            c.setFields(List.of("channel", "shop"));
            c.setValues(List.of("web", "A"));
        }, "ContextSpec order");
        assertInvalid(c -> c.setThreshold(Double.NaN), "shop=A,channel=web", "not finite");
        assertInvalid(c -> c.setCount(-1L), "negative count");
        assertInvalid(c -> c.setValues(List.of("B", "app")), "two entries for shop=B,channel=app");
    }

    /** The format 5 record with its first combination entry changed by {@code change}, digest recomputed. */
    private static void assertInvalid(java.util.function.Consumer<CombinationThreshold> change, String... fragments) {
        ModelVersion copy = ModelVersion.newBuilder(ModelStateMapper.toState(TestModels.combinationModel())).build();
        change.accept(copy.getThresholds().get(0).getPerCombination().get(0));
        ModelVersion bad = ModelDigests.withDigest(copy);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelStateMapper.fromState(bad));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
    }
}
