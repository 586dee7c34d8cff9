package io.normalcy.trainer.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.schemas.TimeParser;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer derives features per entity in read order (issue 12), from valid rows only, before the rows are
 * sorted by event time: the order and rule the detector applies to the same records.
 */
class DerivedHistoryTest {
    @TempDir
    Path dir;

    private static ModelDefinition def() {
        return Parameters.apply(ModelDefinition.defaults("m"), Map.of("features", "x", "derived",
                "x.lag_1,x.mean_2,since_previous"), "");
    }

    private static RawRecord row(double x, long t) {
        return new RawRecord(Map.of("x", x), Map.of(), Map.of(), t);
    }

    private static Map<Double, Map<String, Double>> byX(List<RawRecord> rows) {
        Map<Double, Map<String, Double>> out = new java.util.HashMap<>();
        rows.forEach(r -> out.put(r.features().get("x"), r.features()));
        return out;
    }

    @Test
    void eachEntityHasItsOwnHistoryInReadOrder() {
        HistoryCollector c = new HistoryCollector(def(), 100);
        c.offer(row(1, 1_000), "a", "r1");
        c.offer(row(10, 1_500), "b", "r2");
        c.offer(row(2, 3_000), "a", "r3");
        c.offer(row(Double.NaN, 3_500), "a", "bad"); // skipped: does not enter a's history
        c.offer(row(20, 2_500), "b", "r4");
        c.offer(row(3, 2_000), "a", "late"); // older than a's latest event: arrival order, since_previous 0
        Map<Double, Map<String, Double>> v = byX(c.rows());
        assertEquals(Map.of("x", 1.0, "x.lag_1", 1.0, "x.mean_2", 1.0, "since_previous", 0.0), v.get(1.0));
        assertEquals(Map.of("x", 10.0, "x.lag_1", 10.0, "x.mean_2", 10.0, "since_previous", 0.0), v.get(10.0),
                "b does not see a's events");
        assertEquals(Map.of("x", 2.0, "x.lag_1", 1.0, "x.mean_2", 1.0, "since_previous", 2.0), v.get(2.0));
        assertEquals(Map.of("x", 20.0, "x.lag_1", 10.0, "x.mean_2", 10.0, "since_previous", 1.0), v.get(20.0));
        assertEquals(Map.of("x", 3.0, "x.lag_1", 2.0, "x.mean_2", 1.5, "since_previous", 0.0), v.get(3.0));
        assertEquals(List.of(1_000L, 1_500L, 2_000L, 2_500L, 3_000L),
                c.rows().stream().map(RawRecord::eventTime).toList(), "sorted by time only after deriving");
        assertEquals(List.of("x"), c.features(), "the raw features");
    }

    @Test
    void csvEntityColumnKeysTheHistories() throws Exception {
        Path csv = Files.writeString(dir.resolve("d.csv"), "eventTime,entity,x\n1000,a,1\n1000,b,5\n2000,a,3\n"
                + "2000,b,7\n", StandardCharsets.UTF_8);
        History h = FileHistorySource.read(csv, def(), null, null, 100, TimeParser.UTC);
        Map<Double, Map<String, Double>> v = byX(h.rows());
        assertEquals(1.0, v.get(3.0).get("x.lag_1"));
        assertEquals(5.0, v.get(7.0).get("x.lag_1"));
        assertTrue(h.rows().stream().allMatch(r -> r.features().size() == 4));
    }

    /**
     * Issue 12: with {@code normalcy.trainer.history.*} lowered as the detector's, an entity whose history exceeds the
     * limit gets the values the detector's derivation (the shared {@link DerivedFeatures#derive} with that limit)
     * gives, which differ from the default limit's: a time-window count saturates at the cap, its mean covers the
     * newest events only.
     */
    @Test
    void aLoweredHistoryLimitDerivesWhatTheDetectorDerivesWithTheSameLimit() throws Exception {
        ModelDefinition def = Parameters.apply(ModelDefinition.defaults("m"), Map.of("features", "x", "derived",
                "count_1h,x.mean_1h"), "");
        HistoryLimit limit = new HistoryLimit(10, HistoryLimit.MAX_BYTES);
        HistoryCollector lowered = new HistoryCollector(def, 100, limit);
        HistoryCollector byDefault = new HistoryCollector(def, 100);
        DerivedFeatures detector = DerivedFeatures.parse(List.of("count_1h", "x.mean_1h"));
        EntityHistory history = null;
        List<Map<String, Double>> expected = new java.util.ArrayList<>();
        StringBuilder csv = new StringBuilder("eventTime,entity,x\n");
        for (int i = 0; i < 30; i++) {
            long t = 1_700_000_000_000L + i * 1_000L;
            lowered.offer(row(i, t), "a", "r" + i);
            byDefault.offer(row(i, t), "a", "r" + i);
            DerivedFeatures.Derivation d = detector.derive(history, t, Map.of("x", (double) i), limit);
            history = d.next();
            expected.add(d.values());
            csv.append(t).append(",a,").append(i).append('\n');
        }
        List<RawRecord> rows = lowered.rows();
        for (int i = 0; i < rows.size(); i++) {
            for (Map.Entry<String, Double> e : expected.get(i).entrySet()) {
                assertEquals(e.getValue(), rows.get(i).features().get(e.getKey()), "row " + i + " " + e.getKey());
            }
        }
        Map<String, Double> last = rows.get(29).features();
        assertEquals(10.0, last.get("count_1h"), "count_1h saturates at the lowered cap");
        Map<String, Double> lastByDefault = byDefault.rows().get(29).features();
        assertEquals(29.0, lastByDefault.get("count_1h"), "the default limit keeps the hour's 29 earlier events");
        assertNotEquals(lastByDefault.get("x.mean_1h"), last.get("x.mean_1h"), "the mean covers the newest only");

        Path file = Files.writeString(dir.resolve("limited.csv"), csv, StandardCharsets.UTF_8);
        History fromFile = FileHistorySource.read(file, def, null, null, 100, TimeParser.UTC, limit);
        assertEquals(last, fromFile.rows().get(29).features(), "a file's history is bounded the same way");
    }
}
