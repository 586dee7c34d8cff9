package io.normalcy.flow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.state.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code normalcy score} reads, scores and writes one row at a time, and {@code --rejects} sets bad rows aside. */
class ScoreStreamingTest {
    private static final String HEADER = "id,amount,items,hour,region,ts\n";

    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void fitModel() throws IOException {
        Random rng = new Random(2);
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 400; i++) {
            String region = i % 2 == 0 ? "eu" : "us";
            int hour = rng.nextInt(24);
            sb.append(String.format(Locale.ROOT, "r%d,%.3f,%d,%d,%s,2024-03-%02dT%02d:15:00Z%n", i,
                    Math.exp(3 + 0.5 * rng.nextGaussian()), rng.nextInt(5), hour, region, 1 + i % 28, hour));
        }
        Path train = write("train.csv", sb.toString());
        model = dir.resolve("model.avro");
        NormalcyCliTest.Result fit = run("fit", "--input", train.toString(), "--features", "amount,items",
                "--context", "region", "--cyclic", "hour:24", "--log1p", "amount", "--epochs", "2", "--blocks", "1", "--hidden", "8",
                "--min-context-samples", "50", "--output", model.toString());
        assertEquals(0, fit.code(), fit.err());
    }

    private static NormalcyCliTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NormalcyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new NormalcyCliTest.Result(code, out.toString(), err.toString());
    }

    private static Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    /** Good rows (an unknown region is scored, not rejected) between six kinds of bad row. */
    private static final String MIXED = HEADER
            + "a,20.5,2,13,eu,2024-04-01T13:00:00Z\n"   // line 2: good
            + "b,abc,2,13,eu,2024-04-01T13:00:00Z\n"    // line 3: not a number
            + "c,30,1,23,mars,2024-04-01T23:00:00Z\n"   // line 4: good, unseen context
            + "d,20,2,13,eu\n"                          // line 5: too few columns
            + "e,,2,13,eu,2024-04-01T13:00:00Z\n"       // line 6: missing value
            + "f,\"1,5\",2,13,eu,2024-04-01T13:00:00Z\n" // line 7: quoted, not a number
            + "g,25,3,13,us,yesterday\n"                // line 8: bad time
            + "h,22,1,13,eu,2024-04-01T13:00:00Z\n"    // line 9: good
            + "i,-5,1,13,eu,2024-04-01T13:00:00Z\n";   // line 10: the scorer refuses it (log1p of -5)

    @Test
    void withoutRejectsTheFirstBadRowStopsTheCommandAndLeavesNoOutput() throws IOException {
        Path in = write("mixed.csv", MIXED);
        Path out = dir.resolve("stopped/scored.csv");
        NormalcyCliTest.Result r = run("score", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--time-column", "ts");
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().startsWith("error: mixed.csv line 3: column 'amount' is not a number: 'abc'"), r.err());
        assertFalse(Files.exists(out), "no half-written output");
        assertFalse(Files.exists(dir.resolve("stopped/scored.csv.part")), "no partial file left behind");
    }

    @Test
    void rejectsCollectsEveryBadRowAndScoresTheRestInOrder() throws IOException {
        Path in = write("mixed.csv", MIXED);
        Path out = dir.resolve("kept/scored.csv");
        Path rejects = dir.resolve("kept/rejects.csv");
        NormalcyCliTest.Result r = run("score", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--time-column", "ts", "--rejects", rejects.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scored 3 rows"), r.out());
        assertTrue(r.err().contains("rejected 6 rows -> " + rejects), r.err());

        CsvTable scored = CsvTable.read(out);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            ids.add(scored.row(i)[0]);
            assertFalse(scored.row(i)[scored.header().indexOf("log_density")].isEmpty());
        }
        assertEquals(List.of("a", "c", "h"), ids);

        CsvTable rej = CsvTable.read(rejects);
        assertEquals(List.of("line", "reason", "row"), rej.header());
        assertEquals(6, rej.size());
        String[] lines = MIXED.split("\n");
        long[] expectedLines = {3, 5, 6, 7, 8, 10};
        String[] reasons = {"column 'amount' is not a number: 'abc'", "expected 6 columns but found 5",
            "column 'amount' is not a number: ''", "column 'amount' is not a number: '1,5'", "column 'ts' ", "feature 'amount'"};
        for (int i = 0; i < expectedLines.length; i++) {
            String[] row = rej.row(i);
            assertEquals(Long.toString(expectedLines[i]), row[0]);
            assertTrue(row[1].startsWith(reasons[i]), row[1]);
            assertEquals(lines[(int) expectedLines[i] - 1], row[2], "the raw row");
        }
    }

    @Test
    void eachRowIsWrittenBeforeTheRestOfTheInputIsRead() throws Exception {
        int rows = 3_000;
        int readLimit = 2_000;
        RowsWritten written = new RowsWritten();
        // refuses to produce row readLimit until the first data row has reached the output: a reader that reads
        // the whole file before writing (as CsvTable.read did) fails here
        Reader input = new GeneratedRows(rows, readLimit, written);
        ScoreCommand cmd = new ScoreCommand();
        new CommandLine(cmd).parseArgs("--model", model.toString(), "--input", "unused.csv", "--output",
                "unused.csv", "--time-column", "ts");
        NormalcyModel m = ModelFiles.load(model);
        ScoreCommand.Summary summary;
        try (CsvTable.Rows in = CsvTable.Rows.open(input, "generated.csv");
             CsvOutput csv = new CsvOutput(written, List.of(HEADER.trim().split(",")))) {
            summary = cmd.score(m, in, csv, null);
        }
        assertEquals(rows, summary.scored());
        assertEquals(0, summary.rejected());
        assertEquals(rows + 1, written.text.toString().lines().count());
    }

    /** The output, remembering whether the first data row has arrived. */
    private static final class RowsWritten extends Writer {
        final StringBuilder text = new StringBuilder();

        boolean firstRowWritten() {
            return text.indexOf("\ng0,") >= 0;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            text.append(buf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** CSV rows made on demand, failing if asked for row {@code limit} before the first output row is written. */
    private static final class GeneratedRows extends Reader {
        private final int rows;
        private final int limit;
        private final RowsWritten written;
        private String pending = HEADER;
        private int pos;
        private int next;

        GeneratedRows(int rows, int limit, RowsWritten written) {
            this.rows = rows;
            this.limit = limit;
            this.written = written;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            if (pos == pending.length()) {
                if (next == rows) {
                    return -1;
                }
                if (next >= limit && !written.firstRowWritten()) {
                    throw new IOException("asked for row " + next + " before row 1 was written");
                }
                pending = String.format(Locale.ROOT, "g%d,%d.5,%d,%d,eu,2024-04-01T%02d:00:00Z%n", next,
                        15 + next % 20, next % 5, next % 24, next % 24);
                pos = 0;
                next++;
            }
            int n = Math.min(len, pending.length() - pos);
            pending.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
