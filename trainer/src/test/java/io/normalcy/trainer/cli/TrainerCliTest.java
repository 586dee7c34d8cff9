package io.normalcy.trainer.cli;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.flow.state.ModelStateMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI trains from a CSV file in-process (same TrainingService as the service) and scores a file. */
class TrainerCliTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TrainerCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path csv() throws Exception {
        Random rnd = new Random(5);
        StringBuilder sb = new StringBuilder("eventTime,region,x1,x2\n");
        String[] regions = {"eu", "us", "apac"};
        for (int i = 0; i < 900; i++) {
            int r = i % 3;
            double x1 = r * 2 + rnd.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%d,%s,%.5f,%.5f%n", 1_700_000_000_000L + i * 1000L, regions[r], x1,
                    0.5 * x1 + rnd.nextGaussian()));
        }
        sb.append("1700000900000,eu,NaN,1.0\n");
        return Files.writeString(dir.resolve("train.csv"), sb.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void trainsFromAFileThenScoresIt() throws Exception {
        Path data = csv();
        Path model = dir.resolve("m.avro");
        Run train = run("train", "--model", "cli-model", "--from-file", data.toString(), "--output", model.toString(),
                "--set", "epochs=1", "--set", "blocks=1", "--set", "hidden=8", "--set", "categorical-context=region",
                "--set", "min-context-samples=50");
        assertEquals(0, train.exit(), train.err() + train.out());
        assertTrue(train.out().contains("trained cli-model v1 (900 records"), train.out());
        NormalcyModel m = ModelStateMapper.fromState(ModelFiles.read(model));
        assertEquals(List.of("x1", "x2"), m.featureNames());
        assertEquals(1, m.provenance().skippedCount(), "the NaN row is counted");
        String report = Files.readString(dir.resolve("m.html"));
        assertTrue(report.contains("<h2 id='thresholds'>") && report.contains("NON_FINITE_FEATURE"));

        Path scored = dir.resolve("scored.csv");
        Path input = Files.writeString(dir.resolve("in.csv"), "region,x1,x2\neu,0.1,0.2\nus,2.0,1.0\napac,40,-30\n");
        Run score = run("score", "--model", model.toString(), "--input", input.toString(), "--output", scored.toString());
        assertEquals(0, score.exit(), score.err());
        List<String> lines = Files.readAllLines(scored);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).contains("log_density"), lines.get(0));
        assertTrue(lines.get(3).contains("CRITICAL"), "an absurd point is critical: " + lines.get(3));
    }

    /**
     * Issue 12: derived features are computed per entity from the file, trained as ordinary columns, and carried in
     * the model (format 3) so the detector computes the same ones.
     */
    @Test
    void trainsDerivedFeaturesIntoTheModel() throws Exception {
        Random rnd = new Random(9);
        StringBuilder sb = new StringBuilder("eventTime,entity,x\n");
        for (int i = 0; i < 600; i++) {
            sb.append(String.format(Locale.ROOT, "%d,e%d,%.5f%n", 1_700_000_000_000L + i * 1000L, i % 4,
                    (i % 4) * 10 + rnd.nextGaussian()));
        }
        Path data = Files.writeString(dir.resolve("entities.csv"), sb.toString(), StandardCharsets.UTF_8);
        Path model = dir.resolve("d.avro");
        Run train = run("train", "--model", "derived", "--from-file", data.toString(), "--output", model.toString(),
                "--set", "epochs=1", "--set", "blocks=1", "--set", "hidden=8", "--set", "features=x",
                "--set", "derived=x.mean_5,x.diff");
        assertEquals(0, train.exit(), train.err() + train.out());
        io.normalcy.avro.ModelVersion mv = ModelFiles.read(model);
        assertEquals(3, mv.getFormatVersion());
        NormalcyModel m = ModelStateMapper.fromState(mv);
        assertEquals(List.of("x", "x.mean_5", "x.diff"), m.featureNames());
        assertEquals(List.of("x.mean_5", "x.diff"), m.derived().names());
    }

    @Test
    void windowTimesUseTheSharedParserInTheGivenZone() throws Exception {
        Path data = csv(); // rows every second from 1_700_000_000_000 ms = 2023-11-14T22:13:20Z
        // 2023-11-14 23:18:20 in Paris (UTC+1) = row 300; 1700000800 epoch seconds = row 800 (exclusive)
        Run train = run("train", "--model", "window-model", "--from-file", data.toString(), "--output",
                dir.resolve("w.avro").toString(), "--from", "2023-11-14 23:18:20", "--to", "1700000800",
                "--time-zone", "Europe/Paris", "--set", "epochs=1", "--set", "blocks=1", "--set", "hidden=8",
                "--set", "categorical-context=region", "--set", "min-context-samples=50");
        assertEquals(0, train.exit(), train.err() + train.out());
        assertTrue(train.out().contains("trained window-model v1 (500 records"), train.out());

        Run bad = run("train", "--model", "m", "--from-file", data.toString(), "--from", "14/11/2023");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--from is not an ISO-8601 date-time or epoch number: '14/11/2023' (accepted: "),
                bad.err());
    }

    /**
     * Issue 13: {@code --set calibrate-on-validation=false} reaches the fit through the same service path as a retrain
     * request: the model's thresholds rest on the held-out rows alone, and its provenance says so.
     */
    @Test
    void calibrateOnValidationFalseCalibratesOnTheHoldOutAlone() throws Exception {
        Path model = dir.resolve("audit.avro");
        Run train = run("train", "--model", "audit", "--from-file", csv().toString(), "--output", model.toString(),
                "--set", "epochs=1", "--set", "blocks=1", "--set", "hidden=8", "--set", "categorical-context=region",
                "--set", "calibrate-on-validation=false");
        assertEquals(0, train.exit(), train.err() + train.out());
        java.util.Map<String, String> config = ModelStateMapper.fromState(ModelFiles.read(model)).provenance().config();
        assertEquals("false", config.get("calibrateOnValidation"), config.toString());
        assertTrue(config.get("calibrationRows").endsWith("held-out rows (calibrateOnValidation false)"),
                config.get("calibrationRows"));
        Run bad = run("train", "--model", "m", "--from-file", csv().toString(), "--set", "calibrate-on-validation=yes");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("overrides.calibrate-on-validation: 'yes' is not true or false"), bad.err());
    }

    @Test
    void usageErrorsAreClear() {
        Run noSource = run("train", "--model", "m");
        assertEquals(2, noSource.exit());
        assertTrue(noSource.err().contains("--from-topic") && noSource.err().contains("--from-file"), noSource.err());
        Run noBootstrap = run("train", "--model", "m", "--from-topic");
        assertEquals(2, noBootstrap.exit());
        assertTrue(noBootstrap.err().contains("--bootstrap-servers is required"), noBootstrap.err());
    }

    @Test
    void badOverrideFailsNamingTheKey() throws Exception {
        Run r = run("train", "--model", "m", "--from-file", csv().toString(), "--set", "epocs=1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("overrides.epocs: unknown key"), r.err());
    }
}
