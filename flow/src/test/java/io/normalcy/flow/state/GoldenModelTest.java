package io.normalcy.flow.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.schemas.ModelDigests;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loads the committed golden models (written by {@link GoldenModelGenerator}: a MAF in format version 1 and a
 * MAF_MOG in format version 2) with the current code and checks their log-densities and per-feature contributions
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

    @Test
    void committedModelsSurviveAnotherRoundTrip() throws Exception {
        for (String file : List.of(GoldenModelGenerator.MODEL, GoldenModelGenerator.MODEL_V2)) {
            NormalcyModel model = ModelFiles.load(resource(file));
            ModelVersion again = ModelStateMapper.toState(model);
            ModelVersion committed = ModelFiles.read(resource(file));
            assertEquals(committed.getFormatVersion(), again.getFormatVersion(), file);
            assertEquals(committed.getDigest(), again.getDigest(), "re-serialising " + file + " is byte-stable");
        }
    }
}
