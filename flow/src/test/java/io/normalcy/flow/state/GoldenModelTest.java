package io.normalcy.flow.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import java.net.URL;
import java.util.HashMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loads the committed golden models (written by {@link GoldenModelGenerator}: a MAF in format version 1, a
 * MAF_MOG in format version 2, and the models of formats 3 to 5) with the current code and checks their log-densities and per-feature contributions
 * against the values computed when they were generated. Fails when the file format,
 * the preprocessing, the context encoding or the flow math changes: models already on the models topic would then
 * score differently after an upgrade.
 */
class GoldenModelTest {

    private static Path resource(String name) throws Exception {
        URL url = GoldenModelTest.class.getClassLoader().getResource(name);
        assertNotNull(url, name + " is missing from the test resources");
        return Path.of(url.toURI());
    }

    @Test
    void committedModelScoresAsWhenItWasGenerated() throws Exception {
        checkScores(GoldenModelGenerator.MODEL, GoldenModelGenerator.EXPECTED, 1, io.normalcy.flow.model.FlowType.MAF,
                ScoringKernel.SCALAR, 1e-9);
    }

    @Test
    void committedMixtureModelScoresAsWhenItWasGenerated() throws Exception {
        checkScores(GoldenModelGenerator.MODEL_V2, GoldenModelGenerator.EXPECTED_V2, 2,
                io.normalcy.flow.model.FlowType.MAF_MOG, ScoringKernel.SCALAR, 1e-9);
    }

    /** The float SIMD kernel scores the committed models within 1e-4 nats of the recorded (double) values. */
    @Test
    void committedModelsScoreWithinToleranceOnTheSimdKernel() throws Exception {
        checkScores(GoldenModelGenerator.MODEL, GoldenModelGenerator.EXPECTED, 1, io.normalcy.flow.model.FlowType.MAF,
                ScoringKernel.SIMD, 1e-4);
        checkScores(GoldenModelGenerator.MODEL_V2, GoldenModelGenerator.EXPECTED_V2, 2,
                io.normalcy.flow.model.FlowType.MAF_MOG, ScoringKernel.SIMD, 1e-4);
    }

    private static void checkScores(String file, String expectedFile, int formatVersion,
                                    io.normalcy.flow.model.FlowType type, ScoringKernel kernel, double tol)
            throws Exception {
        ModelVersion state = ModelFiles.read(resource(file));
        assertEquals(formatVersion, state.getFormatVersion());
        assertTrue(ModelDigests.matches(state), "digest of the committed model");
        NormalcyModel model = ModelStateMapper.fromState(state);
        assertEquals(type, model.spec().type());
        assertEquals(List.of("amount", "count", "ratio"), model.featureNames());
        assertEquals(4, model.spec().contextDim());
        Scorer scorer = model.newScorer(kernel);
        List<String> lines = Files.readAllLines(resource(expectedFile), StandardCharsets.UTF_8);
        assertTrue(lines.size() > 40);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            Score s = scorer.score(
                    Map.of("amount", Double.parseDouble(c[0]), "count", Double.parseDouble(c[1]), "ratio",
                            Double.parseDouble(c[2])),
                    Map.of("shop", c[3]), Map.of("temp", Double.parseDouble(c[4])), Long.parseLong(c[5]));
            double expected = Double.parseDouble(c[6]);
            assertEquals(expected, s.logDensity(), tol, line);
            for (int i = 0; i < 3; i++) {
                assertEquals(Double.parseDouble(c[7 + i]), s.contributions()[i], tol, line);
            }
        }
    }

    /**
     * Format 3 (issue 12): the derived feature is recomputed from the raw inputs in order by the shared derivation
     * and must equal the value written at generation; the scores must match too.
     */
    @Test
    void committedDerivedFeatureModelScoresAsWhenItWasGenerated() throws Exception {
        ModelVersion state = ModelFiles.read(resource(GoldenModelGenerator.MODEL_V3));
        assertEquals(3, state.getFormatVersion());
        assertTrue(ModelDigests.matches(state), "digest of the committed model");
        NormalcyModel model = ModelStateMapper.fromState(state);
        assertEquals(List.of(GoldenModelGenerator.DERIVED), model.derived().names());
        assertEquals(List.of("amount", "count", "ratio", GoldenModelGenerator.DERIVED), model.featureNames());
        Scorer scorer = model.newScorer();
        EntityHistory history = null;
        List<String> lines = Files.readAllLines(resource(GoldenModelGenerator.EXPECTED_V3), StandardCharsets.UTF_8);
        assertTrue(lines.size() > 40);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            Map<String, Double> f = new HashMap<>(Map.of("amount", Double.parseDouble(c[0]), "count",
                    Double.parseDouble(c[1]), "ratio", Double.parseDouble(c[2])));
            long t = Long.parseLong(c[5]);
            DerivedFeatures.Derivation d = model.derived().derive(history, t, f);
            history = d.next();
            assertEquals(Double.parseDouble(c[6]), d.values().get(GoldenModelGenerator.DERIVED), 0.0, line);
            f.putAll(d.values());
            Score s = scorer.score(f, Map.of("shop", c[3]), Map.of("temp", Double.parseDouble(c[4])), t);
            assertEquals(Double.parseDouble(c[7]), s.logDensity(), 1e-9, line);
            for (int i = 0; i < 4; i++) {
                assertEquals(Double.parseDouble(c[8 + i]), s.contributions()[i], 1e-9, line);
            }
        }
    }

    /**
     * Format 4 (issue 12 item 4): amount is imputed with the stored held-out median, a record without ratio is
     * skipped, and every score matches the one written at generation.
     */
    @Test
    void committedMissingValueModelScoresAsWhenItWasGenerated() throws Exception {
        ModelVersion state = ModelFiles.read(resource(GoldenModelGenerator.MODEL_V4));
        assertEquals(4, state.getFormatVersion());
        assertTrue(ModelDigests.matches(state), "digest of the committed model");
        NormalcyModel model = ModelStateMapper.fromState(state);
        assertEquals(io.normalcy.flow.model.MissingPolicy.IMPUTE, model.missing().policy("amount"));
        assertEquals(io.normalcy.flow.model.MissingPolicy.SKIP, model.missing().policy("ratio"));
        assertEquals(io.normalcy.flow.model.MissingPolicy.DEAD_LETTER, model.missing().policy("count"));
        Scorer scorer = model.newScorer();
        List<String> lines = Files.readAllLines(resource(GoldenModelGenerator.EXPECTED_V4), StandardCharsets.UTF_8);
        int[] outcomes = new int[3];
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            Map<String, Double> f = new HashMap<>();
            f.put("count", Double.parseDouble(c[1]));
            if (!c[0].isEmpty()) {
                f.put("amount", Double.parseDouble(c[0]));
            }
            if (!c[2].isEmpty()) {
                f.put("ratio", Double.parseDouble(c[2]));
            }
            Map<String, String> ctx = Map.of("shop", c[3]);
            Map<String, Double> num = Map.of("temp", Double.parseDouble(c[4]));
            long t = Long.parseLong(c[5]);
            if (c[6].equals("skipped")) {
                assertThrows(io.normalcy.flow.model.SkippedRecordException.class,
                        () -> scorer.score(f, ctx, num, t), line);
                outcomes[2]++;
                continue;
            }
            Score s = scorer.score(f, ctx, num, t);
            assertEquals(c[6].equals("imputed") ? List.of("amount") : List.of(), s.imputed(), line);
            outcomes[c[6].equals("imputed") ? 1 : 0]++;
            assertEquals(Double.parseDouble(c[7]), s.logDensity(), 1e-9, line);
            for (int i = 0; i < 3; i++) {
                assertEquals(Double.parseDouble(c[8 + i]), s.contributions()[i], 1e-9, line);
            }
        }
        assertTrue(outcomes[0] > 10 && outcomes[1] > 5 && outcomes[2] > 5, java.util.Arrays.toString(outcomes));
    }

    /**
     * Format 5 (issue 13 item 4): the shop × channel combinations with enough held-out rows carry their own
     * thresholds; every row scores, alerts and names its scope as when the file was generated.
     */
    @Test
    void committedCombinationModelScoresAndScopesAsWhenItWasGenerated() throws Exception {
        ModelVersion state = ModelFiles.read(resource(GoldenModelGenerator.MODEL_V5));
        assertEquals(5, state.getFormatVersion());
        assertTrue(ModelDigests.matches(state), "digest of the committed model");
        NormalcyModel model = ModelStateMapper.fromState(state);
        assertEquals(List.of("shop", "channel"), model.thresholds().scopeFields());
        assertTrue(model.thresholds().levels().stream().allMatch(l -> !l.perCombination().isEmpty()));
        assertTrue(model.thresholds().levels().stream().allMatch(l -> l.perCombination().keySet().stream()
                .noneMatch(c -> c.values().contains("phone"))), "the rare channel has no combination of its own");
        Scorer scorer = model.newScorer();
        List<String> lines = Files.readAllLines(resource(GoldenModelGenerator.EXPECTED_V5), StandardCharsets.UTF_8);
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            Map<String, String> ctx = Map.of("shop", c[3], "channel", c[4]);
            Score s = scorer.score(Map.of("amount", Double.parseDouble(c[0]), "count", Double.parseDouble(c[1]),
                    "ratio", Double.parseDouble(c[2])), ctx, Map.of("temp", Double.parseDouble(c[5])),
                    Long.parseLong(c[6]));
            assertEquals(Double.parseDouble(c[7]), s.logDensity(), 1e-9, line);
            for (int i = 0; i < 3; i++) {
                assertEquals(Double.parseDouble(c[8 + i]), s.contributions()[i], 1e-9, line);
            }
            io.normalcy.flow.model.Evaluation e = model.thresholds().evaluate(Double.parseDouble(c[7]), ctx);
            assertEquals(c[11], e.severity().name(), line);
            assertEquals(Double.parseDouble(c[12]), e.threshold(), 0.0, line);
            assertEquals(c[13].replace(';', ','), e.scope(), line);
            assertEquals(Double.parseDouble(c[14]), e.pValue(), 1e-15, line);
            seen.merge(e.scope().contains(",") ? "combination " + e.severity() : e.severity().name(), 1, Integer::sum);
        }
        assertTrue(seen.getOrDefault("combination WARNING", 0) > 0 && seen.getOrDefault("combination CRITICAL", 0) > 0
                && seen.getOrDefault("combination NORMAL", 0) > 0, seen.toString());
    }

    @Test
    void committedModelsSurviveAnotherRoundTrip() throws Exception {
        for (String file : List.of(GoldenModelGenerator.MODEL, GoldenModelGenerator.MODEL_V2,
                GoldenModelGenerator.MODEL_V3, GoldenModelGenerator.MODEL_V4, GoldenModelGenerator.MODEL_V5)) {
            NormalcyModel model = ModelFiles.load(resource(file));
            ModelVersion again = ModelStateMapper.toState(model);
            ModelVersion committed = ModelFiles.read(resource(file));
            assertEquals(committed.getFormatVersion(), again.getFormatVersion(), file);
            assertEquals(committed.getDigest(), again.getDigest(), "re-serialising " + file + " is byte-stable");
        }
    }
}
