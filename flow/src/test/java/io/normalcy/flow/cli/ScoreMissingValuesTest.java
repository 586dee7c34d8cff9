package io.normalcy.flow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.MissingValues;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.flow.state.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normalcy score} applies the model's missing-value policies (issue 12 item 4) as the detector does: an empty
 * cell of an impute feature is scored at its held-out median and named in {@code imputed_features}; a row with an
 * empty skip feature is neither scored nor rejected, only counted; an empty cell of a feature without a policy
 * (dead-letter) stays a rejected row.
 */
class ScoreMissingValuesTest {
    private static final double AMOUNT_MEDIAN = 17.5;
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private static NormalcyCliTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NormalcyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new NormalcyCliTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void imputeScoresTheMedianSkipCountsAndDeadLetterRejects() throws Exception {
        NormalcyModel model = TestModels.model().withMissing(new MissingValues(Map.of(
                "amount", new MissingValues.Entry(MissingPolicy.IMPUTE, AMOUNT_MEDIAN),
                "ratio", new MissingValues.Entry(MissingPolicy.SKIP, -0.75))));
        Path modelFile = dir.resolve("m.avro");
        ModelFiles.save(modelFile, model);
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "shop,ts,amount,count,ratio\n"
                + "B," + T + ",12.0,3,-0.9\n"      // complete
                + "B," + T + ",,3,-0.9\n"          // amount empty: imputed
                + "A," + T + ",12.0,3,\n"          // ratio empty: skipped
                + "A," + T + ",12.0,,-0.9\n");     // count empty, no policy: rejected
        Path out = dir.resolve("out.csv");
        Path rejects = dir.resolve("rejects.csv");
        NormalcyCliTest.Result r = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", out.toString(), "--time-column", "ts", "--rejects", rejects.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipped 1 rows"), r.err());

        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size(), "header + the complete and the imputed row: " + lines);
        List<String> header = List.of(lines.get(0).split(",", -1));
        String[] complete = lines.get(1).split(",", -1);
        String[] imputed = lines.get(2).split(",", -1);
        int logCol = header.indexOf("log_density");
        int imputedCol = header.indexOf("imputed_features");
        assertEquals("", complete[imputedCol]);
        assertEquals("amount", imputed[imputedCol]);
        Score atMedian = model.newScorer().score(Map.of("amount", AMOUNT_MEDIAN, "count", 3.0, "ratio", -0.9),
                Map.of("shop", "B"), Map.of(), T);
        assertEquals(atMedian.logDensity(), Double.parseDouble(imputed[logCol]), 1e-9);

        List<String> rejected = Files.readAllLines(rejects);
        assertEquals(2, rejected.size(), "header + the row without count: " + rejected);
        assertTrue(rejected.get(1).contains("count"), rejected.get(1));
    }

    @Test
    void modelsWithoutPoliciesKeepTheirOutputShape() throws Exception {
        Path modelFile = dir.resolve("plain.avro");
        ModelFiles.save(modelFile, TestModels.model());
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "shop,ts,amount,count,ratio\nB," + T + ",12.0,3,-0.9\nB," + T + ",,3,-0.9\n");
        Path out = dir.resolve("out.csv");
        NormalcyCliTest.Result r = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", out.toString(), "--time-column", "ts", "--rejects", dir.resolve("rej.csv").toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size(), "the empty amount is rejected without a policy: " + lines);
        assertTrue(!lines.get(0).contains("imputed_features"), lines.get(0));
    }
}
