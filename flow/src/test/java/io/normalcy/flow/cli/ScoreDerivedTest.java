package io.normalcy.flow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normalcy score} with a model that has derived features: the CSV carries the raw feature only; each row's
 * derived features come from its entity's earlier rows in file order, by the shared {@link DerivedFeatures#derive}
 * (the trainer's and the detector's code), so the CLI's log-densities are the detector's for the same rows. Entities
 * are interleaved and some rows are late (event time behind their entity's latest), so the order and late-event
 * rules are exercised; a rejected row must not enter its entity's history.
 */
class ScoreDerivedTest {
    private static final List<String> DERIVED = List.of("x.lag_1", "x.diff", "x.ratio", "x.mean_5", "x.std_5",
            "x.max_30s", "since_previous", "count_1m");
    private static final DerivedFeatures SPEC = DerivedFeatures.parse(DERIVED);

    @TempDir
    static Path dir;
    private static Path modelFile;
    private static NormalcyModel model;

    /** Row i: entity e(i mod 4), a per-entity level plus noise; every 7th row 25 s late. */
    private static List<String[]> rows(int n, long seed) {
        Random rng = new Random(seed);
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int e = i % 4;
            long t = 1_700_000_000_000L + i * 2_000L - (i % 7 == 3 ? 25_000L : 0);
            double x = 10 * (e + 1) + rng.nextGaussian() * (e + 1);
            out.add(new String[] {"e" + e, Long.toString(t), String.format(Locale.ROOT, "%.4f", x)});
        }
        return out;
    }

    /** The rows with their derived features, per entity in order, by the shared code (the trainer's path). */
    private static List<RawRecord> derived(List<String[]> rows) {
        Map<String, EntityHistory> h = new HashMap<>();
        List<RawRecord> out = new ArrayList<>();
        for (String[] r : rows) {
            long t = Long.parseLong(r[1]);
            Map<String, Double> f = new LinkedHashMap<>(Map.of("x", Double.parseDouble(r[2])));
            DerivedFeatures.Derivation d = SPEC.derive(h.get(r[0]), t, f);
            h.put(r[0], d.next());
            f.putAll(d.values());
            out.add(new RawRecord(f, Map.of(), Map.of(), t));
        }
        return out;
    }

    @BeforeAll
    static void fitModel() throws IOException {
        List<String> features = new ArrayList<>(List.of("x"));
        features.addAll(DERIVED);
        FitConfig config = FitConfig.builder().flowType(FlowType.MAF).features(features).blocks(1).hidden(8)
                .epochs(2).batchSize(64).minContextSamples(20).seed(3).build();
        model = new ModelFitter().fit("levels", 1, derived(rows(600, 1)), config, null).model()
                .withDerived(SPEC);
        modelFile = dir.resolve("levels.avro");
        ModelFiles.save(modelFile, model);
    }

    private static NormalcyCliTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NormalcyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new NormalcyCliTest.Result(code, out.toString(), err.toString());
    }

    private static Path csv(String name, List<String[]> rows, String extra) throws IOException {
        StringBuilder sb = new StringBuilder("host,ts,x\n");
        for (String[] r : rows) {
            sb.append(String.join(",", r)).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb + extra, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void theCliDerivesPerEntityInFileOrderAndScoresAsTheSharedCodeDoes() throws IOException {
        List<String[]> rows = rows(300, 2);
        // a bad row in the middle of e1's history (rejected: must not enter it), after the first 100 rows
        List<String[]> withBad = new ArrayList<>(rows.subList(0, 100));
        withBad.add(new String[] {"e1", "1700000200500", "oops"});
        withBad.addAll(rows.subList(100, rows.size()));
        Path in = csv("levels.csv", withBad, "");
        Path out = dir.resolve("scored.csv");
        NormalcyCliTest.Result r = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", out.toString(), "--entity-column", "host", "--time-column", "ts", "--rejects",
                dir.resolve("rejects.csv").toString());
        assertEquals(0, r.code(), r.err());

        List<String> lines = Files.readAllLines(out);
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals(rows.size() + 1, lines.size());
        int logCol = header.indexOf("log_density");
        Scorer scorer = model.newScorer();
        List<RawRecord> expected = derived(rows);
        boolean historyUsed = false;
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            RawRecord row = expected.get(i);
            for (String d : DERIVED) {
                assertEquals(row.features().get(d), Double.parseDouble(cells[header.indexOf("derived_" + d)]),
                        "row " + i + " " + d);
            }
            historyUsed |= row.features().get("x.diff") != 0.0;
            Score s = scorer.score(row.features(), Map.of(), Map.of(), row.eventTime());
            assertEquals(s.logDensity(), Double.parseDouble(cells[logCol]), 1e-9, "row " + i + " log-density");
        }
        assertTrue(historyUsed, "derived features were computed from histories");
    }

    @Test
    void aMissingEntityColumnOrTimeColumnStopsWithTheOptionNamed() throws IOException {
        Path in = csv("few.csv", rows(10, 3), "");
        NormalcyCliTest.Result noEntity = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", dir.resolve("x.csv").toString(), "--time-column", "ts");
        assertEquals(2, noEntity.code(), noEntity.err());
        assertTrue(noEntity.err().contains("--entity-column 'entity' is not a column"), noEntity.err());
        NormalcyCliTest.Result badEntity = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", dir.resolve("x.csv").toString(), "--time-column", "ts", "--entity-column", "hots");
        assertEquals(2, badEntity.code(), badEntity.err());
        assertTrue(badEntity.err().contains("--entity-column 'hots'"), badEntity.err());
        NormalcyCliTest.Result noTime = run("score", "--model", modelFile.toString(), "--input", in.toString(),
                "--output", dir.resolve("x.csv").toString(), "--entity-column", "host");
        assertEquals(2, noTime.code(), noTime.err());
        assertTrue(noTime.err().contains("--time-column"), noTime.err());
        assertTrue(Files.notExists(dir.resolve("x.csv")));
    }
}
