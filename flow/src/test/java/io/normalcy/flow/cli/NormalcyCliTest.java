package io.normalcy.flow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the picocli command line in-process on small temporary CSV files. */
class NormalcyCliTest {
    @TempDir
    static Path dir;
    private static Path train;
    private static Path model;
    private static Result fit;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NormalcyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path csv(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void fitModel() throws IOException {
        Random rng = new Random(1);
        StringBuilder sb = new StringBuilder("id,amount,items,hour,region,ts\n");
        for (int i = 0; i < 800; i++) {
            String region = i % 2 == 0 ? "eu" : "us";
            double amount = Math.exp(3 + (region.equals("us") ? 1 : 0) + 0.5 * rng.nextGaussian());
            int items = rng.nextInt(5);
            int hour = rng.nextInt(24);
            sb.append(String.format(Locale.ROOT, "r%d,%.4f,%d,%d,%s,2024-03-%02dT%02d:15:00Z%n", i, amount, items,
                    hour, region, 1 + i % 28, hour));
        }
        train = csv("train.csv", sb.toString());
        model = dir.resolve("out/model.avro");
        fit = run("fit", "--input", train.toString(), "--features", "amount,items", "--context", "region",
                "--cyclic", "hour:24", "--integer", "items", "--log1p", "amount", "--time-column", "ts",
                "--epochs", "3", "--blocks", "2", "--hidden", "16,16", "--seed", "5", "--name", "orders",
                "--min-context-samples", "50", "--output", model.toString());
    }

    @Test
    void initFromWarmStartsFromAMatchingModel() {
        Result r = run("fit", "--input", train.toString(), "--features", "amount,items", "--context", "region",
                "--cyclic", "hour:24", "--integer", "items", "--log1p", "amount", "--time-column", "ts",
                "--epochs", "1", "--blocks", "2", "--hidden", "16,16", "--seed", "5", "--name", "orders",
                "--min-context-samples", "50", "--init-from", model.toString(),
                "--output", dir.resolve("warm.avro").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("warm start: from orders v1"), r.out());
    }

    /** One feature column used to throw a NullPointerException in FlowGraph.logProb (issue 13). */
    @Test
    void fitAndScoreASingleFeature() throws IOException {
        Random rng = new Random(3);
        StringBuilder sb = new StringBuilder("cpu\n");
        for (int i = 0; i < 300; i++) {
            sb.append(String.format(Locale.ROOT, "%.1f%n", 20 + rng.nextGaussian()));
        }
        Path in = csv("single.csv", sb.toString());
        Path out = dir.resolve("single.avro");
        Result r = run("fit", "--input", in.toString(), "--features", "cpu", "--epochs", "2", "--blocks", "1",
                "--hidden", "8", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        Path scored = dir.resolve("single-scored.csv");
        Result s = run("score", "--model", out.toString(), "--input", in.toString(), "--output", scored.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals(301, Files.readAllLines(scored).size());
    }

    @Test
    void fitPrintsProgressAndThresholds() {
        assertEquals(0, fit.code(), fit.err());
        assertTrue(Files.isRegularFile(model));
        assertTrue(fit.out().contains("train NLL"), fit.out());
        assertTrue(fit.out().lines().filter(l -> l.matches("\\s+\\d+\\s+-?\\d.*")).count() >= 1, fit.out());
        assertTrue(fit.out().contains("WARNING"), fit.out());
        assertTrue(fit.out().contains("CRITICAL"), fit.out());
        assertTrue(fit.out().contains("region=eu"), fit.out());
        assertFalse(fit.out().contains("candidate"), "no candidate column without flow auto: " + fit.out());
    }

    /** 800 rows leave ~160 held out: 1.6 rows below the global 0.01 threshold, so its rate band is stated. */
    @Test
    void fitStatesTheRateBandOfThresholdsOnFewExceedances() {
        assertTrue(fit.out().contains("thresholds on few held-out exceedances (95 % bootstrap band of the alert"
                + " rate):"), fit.out());
        assertTrue(fit.out().lines().anyMatch(l -> l.matches("  global @0\\.01: rate expected within ×\\d+\\.\\d"
                + "–\\d+\\.\\d of the level \\(\\d+\\.\\d held-out rows expected below the threshold\\);"
                + " more history narrows it")), fit.out());
    }

    @Test
    void scoreAddsDensitySeverityAndContributions() throws IOException {
        Path in = csv("test.csv", "id,amount,items,hour,region,ts\n"
                + "a,20.5,2,13,eu,2024-04-01T13:00:00Z\n"
                + "b,\"100000\",0,3,us,1711940400000\n"
                + "c,30,1,23,mars,2024-04-01T23:00:00Z\n");
        Path out = dir.resolve("scored.csv");
        Result r = run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--time-column", "ts");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size());
        assertEquals("id,amount,items,hour,region,ts,log_density,severity,p_value,contrib_amount,contrib_items,"
                + "expected_low_amount,expected_high_amount,expected_low_items,expected_high_items,explanation",
                lines.get(0));
        List<double[]> parsed = new ArrayList<>();
        for (String line : lines.subList(1, 4)) {
            String[] c = line.split(",", -1);
            assertEquals(16, c.length, line);
            // expected ranges only for flagged rows (the default --expected-ranges FLAGGED)
            assertEquals(c[7].equals("NORMAL"), c[11].isEmpty() && c[15].isEmpty(), line);
            double ld = Double.parseDouble(c[6]);
            double sum = Double.parseDouble(c[9]) + Double.parseDouble(c[10]);
            assertEquals(ld, sum, 1e-9, line);
            double p = Double.parseDouble(c[8]);
            assertTrue(p > 0 && p <= 1, "p-value in (0, 1]: " + line);
            assertEquals(c[7].equals("CRITICAL"), p < 0.001, "a critical row is rarer than 1 in 1,000: " + line);
            parsed.add(new double[] {ld});
        }
        assertTrue(lines.get(2).contains(",CRITICAL,"), "an amount of 100000 is far out: " + lines.get(2));
        // the default model is MAF_MOG (exact conditionals): amount's 99 % range given region=us excludes 100000
        String[] b = lines.get(2).split(",", -1);
        double low = Double.parseDouble(b[11]);
        double high = Double.parseDouble(b[12]);
        assertTrue(0 <= low && low < high && high < 100_000, lines.get(2));
        assertEquals(Math.rint(Double.parseDouble(b[13])), Double.parseDouble(b[13]), 0.0, "items is an integer");
        String sentence = b[15].replace("\"", ""); // quoted by the CSV writer
        assertTrue(sentence.startsWith("amount 100000 — expected ") && sentence.endsWith(
                " (99 %) given region=us and the preceding features"), sentence);
        Result all = run("score", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--time-column", "ts", "--expected-ranges", "ALL", "--expected-mass", "0.5");
        assertEquals(0, all.code(), all.err());
        for (String line : Files.readAllLines(out).subList(1, 4)) {
            String[] c = line.split(",", -1);
            assertTrue(Double.parseDouble(c[11]) < Double.parseDouble(c[12]), line);
            assertTrue(c[15].contains(" (50 %) given "), line);
        }
        assertError(run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--time-column", "ts", "--expected-mass", "1"), "--expected-mass must be in (0, 1)");
        assertTrue(parsed.get(1)[0] < parsed.get(0)[0]);
        // scoring needs the time column when the model encodes the hour of day
        Result noTime = run("score", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString());
        assertNotEquals(0, noTime.code());
        assertTrue(noTime.err().contains("--time-column"), noTime.err());
    }

    @Test
    void sampleWritesRowsInOriginalUnits() throws IOException {
        Path out = dir.resolve("samples.csv");
        Result r = run("sample", "--model", model.toString(), "--n", "200", "--context", "region=us", "--context",
                "hour=12", "--time", "2024-04-01T12:00:00Z", "--seed", "3", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("amount,items", lines.get(0));
        assertEquals(201, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            assertTrue(Double.parseDouble(c[0]) >= 0, "log1p feature stays in its support: " + line);
            double items = Double.parseDouble(c[1]);
            assertEquals(Math.floor(items), items, 0.0, "integer feature: " + line);
        }
        String isoSamples = Files.readString(out);
        Path local = dir.resolve("samples-local.csv");
        Result r2 = run("sample", "--model", model.toString(), "--n", "200", "--context", "region=us", "--context",
                "hour=12", "--time", "2024-04-01 14:00:00", "--time-zone", "+02:00", "--seed", "3", "--output",
                local.toString());
        assertEquals(0, r2.code(), r2.err());
        assertEquals(isoSamples, Files.readString(local), "same instant, same seed: same samples");
        assertError(run("sample", "--model", model.toString(), "--n", "5", "--context", "region=us", "--context",
                "hour=12", "--time", "", "--output", out.toString()), "--time is empty (accepted: ");
        Result missing = run("sample", "--model", model.toString(), "--n", "5", "--output", out.toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("'hour'"), missing.err());
    }

    private static List<String> densities(Path input, String... extra) throws IOException {
        Path out = dir.resolve("scored-times.csv");
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString(), "--time-column", "ts"));
        args.addAll(List.of(extra));
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return Files.readAllLines(out).stream().skip(1).map(l -> l.split(",")[6]).toList();
    }

    @Test
    void scoreReadsEveryTimeFormOfTheSharedParserAndTheTimeZone() throws IOException {
        long seconds = Instant.parse("2024-04-01T13:00:00Z").getEpochSecond();
        Path in = csv("times.csv", "id,amount,items,hour,region,ts\n"
                + "iso,20.5,2,13,eu,2024-04-01T13:00:00Z\n"
                + "export,20.5,2,13,eu,2024-04-01 13:00:00\n"
                + "seconds,20.5,2,13,eu," + seconds + "\n"
                + "millis,20.5,2,13,eu," + seconds * 1000 + "\n"
                + "slash,20.5,2,13,eu,2024/04/01 13:00:00\n"
                + "offset,20.5,2,13,eu,2024-04-01 15:00:00+02:00\n"
                + "later,20.5,2,13,eu,2024-04-01 19:00:00\n");
        List<String> d = densities(in);
        for (int i = 1; i < 6; i++) {
            assertEquals(d.get(0), d.get(i), "row " + i + " is the same instant: " + d);
        }
        assertNotEquals(d.get(0), d.get(6), "the event time reaches the model (@hourOfDay): " + d);

        Path paris = csv("times-paris.csv", "id,amount,items,hour,region,ts\n"
                + "local,20.5,2,13,eu,2024-04-01 15:00:00\n"
                + "utc,20.5,2,13,eu,2024-04-01T13:00:00Z\n");
        List<String> p = densities(paris, "--time-zone", "Europe/Paris");
        assertEquals(List.of(d.get(0), d.get(0)), p, "15:00 in Paris (UTC+2 in April) is 13:00Z");
        assertError(run("score", "--model", model.toString(), "--input", paris.toString(), "--output",
                dir.resolve("s.csv").toString(), "--time-column", "ts", "--time-zone", "Mars/Olympus"), "--time-zone");
    }

    @Test
    void fitReadsCsvExportTimestampsAndRefusesEmptyOrAmbiguousTimes() throws IOException {
        Random rng = new Random(2);
        StringBuilder sb = new StringBuilder("amount,load,ts\n");
        for (int i = 0; i < 200; i++) {
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,2014-07-%02d %02d:00:00%n", 5 + rng.nextGaussian(),
                    rng.nextGaussian(), 1 + i % 28, i % 24));
        }
        Path export = csv("export.csv", sb.toString());
        Result ok = run("fit", "--input", export.toString(), "--features", "amount,load", "--time-column", "ts",
                "--epochs", "1", "--blocks", "1", "--hidden", "8", "--output", dir.resolve("export.avro").toString());
        assertEquals(0, ok.code(), ok.err());

        Path empty = csv("empty-time.csv", "amount,ts\n1.5,2014-07-01 00:00:00\n2.5,\n");
        assertError(run("fit", "--input", empty.toString(), "--features", "amount", "--time-column", "ts",
                "--output", dir.resolve("x.avro").toString()),
                "empty-time.csv line 3: column 'ts' is empty (accepted: ISO-8601 with offset");
        Path dayFirst = csv("day-first.csv", "amount,ts\n1.5,01/07/2014 00:00\n");
        assertError(run("fit", "--input", dayFirst.toString(), "--features", "amount", "--time-column", "ts",
                "--output", dir.resolve("x.avro").toString()),
                "day-first.csv line 2: column 'ts' is not an ISO-8601 date-time or epoch number: '01/07/2014 00:00'");
    }

    private static void assertError(Result r, String expectedMessage) {
        assertNotEquals(0, r.code(), r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("error: "), r.err());
        assertTrue(first.contains(expectedMessage), "expected '" + expectedMessage + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void nonNumericCellNamesFileLineAndColumn() throws IOException {
        Path bad = csv("bad.csv", "amount,items\n1,2\n3,4\nabc,5\n");
        assertError(run("fit", "--input", bad.toString(), "--features", "amount,items", "--output",
                dir.resolve("x.avro").toString()), "bad.csv line 4: column 'amount' is not a number: 'abc'");
        Path scoreBad = csv("score-bad.csv", "id,amount,items,hour,region,ts\nz,12,x7,1,eu,0\n");
        assertError(run("score", "--model", model.toString(), "--input", scoreBad.toString(), "--output",
                dir.resolve("s.csv").toString(), "--time-column", "ts"),
                "score-bad.csv line 2: column 'items' is not a number: 'x7'");
    }

    @Test
    void flowTypeDefaultsToMafMogAndReachesTheFitConfiguration() throws Exception {
        FitCommand fit = new FitCommand();
        new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro");
        assertEquals(io.normalcy.flow.model.FlowType.MAF_MOG, fit.config().flowType());
        assertEquals(io.normalcy.flow.model.FlowType.MAF_MOG,
                io.normalcy.flow.fit.FitConfig.builder().features(java.util.List.of("x")).build().flowType());
        assertEquals(io.normalcy.flow.model.FlowType.MAF_MOG, io.normalcy.flow.state.ModelFiles.load(model).spec().type(),
                "the model fitted (and sampled from) by the other tests uses the default");
        for (String[] c : new String[][] {{"maf", "MAF"}, {"MAF-MOG", "MAF_MOG"}, {"realnvp", "REALNVP"}}) {
            fit = new FitCommand();
            new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                    "--flow", c[0]);
            assertEquals(io.normalcy.flow.model.FlowType.valueOf(c[1]), fit.config().flowType());
        }
    }

    /** Issue 13: an operator may keep calibration on the untouched hold-out alone (e.g. for an audit). */
    @Test
    void calibrateOnValidationDefaultsOnAndFalseReachesTheFitConfiguration() {
        FitCommand fit = new FitCommand();
        new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro");
        assertTrue(fit.config().calibrateOnValidation(), "the default");
        for (String v : new String[] {"false", "FALSE"}) {
            fit = new FitCommand();
            new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                    "--calibrate-on-validation", v);
            assertFalse(fit.config().calibrateOnValidation(), v);
            assertEquals("false", fit.config().describe().get("calibrateOnValidation"), "recorded in provenance");
        }
        fit = new FitCommand();
        new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--calibrate-on-validation", "true");
        assertTrue(fit.config().calibrateOnValidation());
    }

    @Test
    void orderingReachesTheFitConfiguration() {
        FitCommand fit = new FitCommand();
        new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro");
        assertEquals(io.normalcy.flow.model.Ordering.NATURAL, fit.config().ordering());
        fit = new FitCommand();
        new picocli.CommandLine(fit).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--ordering", "Alternating");
        assertEquals(io.normalcy.flow.model.Ordering.ALTERNATING, fit.config().ordering());
    }

    @Test
    void flowAutoPrintsTheCandidateComparison() {
        Path out = dir.resolve("auto.avro");
        Result r = run("fit", "--input", train.toString(), "--features", "amount,items", "--integer", "items",
                "--epochs", "2", "--blocks", "1", "--hidden", "8", "--flow", "auto", "--auto-budget", "0",
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("flow auto, budget PT0S"), r.out());
        assertTrue(r.out().contains("flow auto: candidates"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+epoch\\s+train NLL\\s+val NLL\\s+samples/s"
                + "  candidate")), "the epoch table has a candidate column: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+0\\s+-?\\d+\\.\\d{4}\\s+-?\\d+\\.\\d{4}"
                + "\\s+\\d+  MAF_MOG K=3 1×\\[8\\]")), "each epoch line names its candidate: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("MAF_MOG K=3 1×[8]") && l.endsWith("<- chosen")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("REALNVP 1×[8]") && l.contains("budget spent")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("MAF_MOG K=8 1×[8]") && l.contains("budget spent")),
                "the other mixture size is a candidate too: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("warning: flow auto: the budget PT0S is too small for"
                + " one rung of all 4 candidates")), r.out());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void sizeOptionsReachTheConfig() {
        FitCommand cmd = new FitCommand();
        new picocli.CommandLine(cmd).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--patience", "7", "--weight-decay", "0.002", "--flow", "auto", "--auto-budget", "90s");
        io.normalcy.flow.fit.FitConfig c = cmd.config();
        assertEquals(7, c.patience());
        assertEquals(0.002, c.weightDecay(), 1e-12);
        assertEquals(java.time.Duration.ofSeconds(90), c.autoBudget());
        assertTrue(c.sizeToData());
        cmd = new FitCommand();
        new picocli.CommandLine(cmd).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--components", "5");
        assertEquals(5, cmd.config().components());
        assertEquals(io.normalcy.flow.train.TrainingEngine.AUTO, cmd.config().engine(), "the default");
        cmd = new FitCommand();
        new picocli.CommandLine(cmd).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--engine", "samediff");
        assertEquals(io.normalcy.flow.train.TrainingEngine.SAMEDIFF, cmd.config().engine());
        assertEquals("SAMEDIFF", cmd.config().describe().get("trainingEngine"), "recorded in provenance");
        cmd = new FitCommand();
        new picocli.CommandLine(cmd).parseArgs("--input", "a.csv", "--features", "x", "--output", "m.avro",
                "--fixed-defaults");
        assertFalse(cmd.config().sizeToData());
        assertFalse(cmd.config().autoSelect());
    }

    @Test
    void unknownColumnsAndBadArguments() throws IOException {
        assertError(run("fit", "--input", train.toString(), "--features", "amount,colour", "--output",
                dir.resolve("x.avro").toString()), "unknown feature column 'colour'");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--context", "planet",
                "--output", dir.resolve("x.avro").toString()), "unknown context column 'planet'");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--flow", "glow",
                "--output", dir.resolve("x.avro").toString()), "--flow must be maf-mog, maf, realnvp or auto");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--flow", "auto",
                "--auto-budget", "soon", "--output", dir.resolve("x.avro").toString()),
                "--auto-budget must be a duration >= 0 such as 90s, 10m, 1h or PT10M, got 'soon'");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--components", "0",
                "--output", dir.resolve("x.avro").toString()), "components must be in [1, 64]");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--engine", "gpu",
                "--output", dir.resolve("x.avro").toString()), "--engine must be auto, manual or samediff, got 'gpu'");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--ordering", "sideways",
                "--output", dir.resolve("x.avro").toString()), "--ordering must be natural, alternating or random");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--cyclic", "hour",
                "--output", dir.resolve("x.avro").toString()), "COLUMN:PERIOD");
        assertError(run("fit", "--input", dir.resolve("nope.csv").toString(), "--features", "amount",
                "--output", dir.resolve("x.avro").toString()), "input file not found");
        assertError(run("fit", "--input", train.toString(), "--output", dir.resolve("x.avro").toString()),
                "--features");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--calibrate-on-validation",
                "sometimes", "--output", dir.resolve("x.avro").toString()), "--calibrate-on-validation");
        assertError(run("fit", "--input", train.toString(), "--features", "amount", "--epochs", "many",
                "--output", dir.resolve("x.avro").toString()), "many");
        assertError(run("frobnicate"), "frobnicate");
        Path ragged = csv("ragged.csv", "amount,items\n1,2\n3\n");
        assertError(run("fit", "--input", ragged.toString(), "--features", "amount,items", "--output",
                dir.resolve("x.avro").toString()), "ragged.csv line 3: expected 2 columns but found 1");
        Path notModel = csv("not-a-model.avro", "hello");
        assertError(run("score", "--model", notModel.toString(), "--input", train.toString(), "--output",
                dir.resolve("s.csv").toString()), "not-a-model.avro");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Result r = run("fit", "--verbose", "--input", dir.resolve("nope.csv").toString(), "--features", "amount",
                "--output", dir.resolve("x.avro").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
