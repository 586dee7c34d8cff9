package io.normalcy.schemas.derived;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of derived feature, the warm-up, late-event and window rules, and the history's bytes. */
class DerivedFeaturesTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final double EPS = 1e-12;

    /** Feeds x-values one second apart; returns each event's derived values. */
    private static List<Map<String, Double>> run(DerivedFeatures spec, double... xs) {
        List<Map<String, Double>> out = new ArrayList<>();
        EntityHistory h = null;
        for (int i = 0; i < xs.length; i++) {
            DerivedFeatures.Derivation d = spec.derive(h, T0 + i * 1000L, Map.of("x", xs[i]));
            out.add(d.values());
            h = d.next();
        }
        return out;
    }

    private static DerivedFeatures spec(String... names) {
        return DerivedFeatures.parse(List.of(names));
    }

    @Test
    void lagDiffAndRatioReadThePreviousEvents() {
        List<Map<String, Double>> v = run(spec("x.lag_1", "x.lag_2", "x.diff", "x.ratio"), 2, 4, 10);
        assertEquals(Map.of("x.lag_1", 2.0, "x.lag_2", 2.0, "x.diff", 0.0, "x.ratio", 1.0), v.get(0),
                "first event: filled as a steady entity");
        assertEquals(2.0, v.get(1).get("x.lag_1"));
        assertEquals(2.0, v.get(1).get("x.lag_2"), "a lag deeper than the history is the oldest value");
        assertEquals(2.0, v.get(1).get("x.diff"));
        assertEquals(2.0, v.get(1).get("x.ratio"));
        assertEquals(4.0, v.get(2).get("x.lag_1"));
        assertEquals(2.0, v.get(2).get("x.lag_2"));
        assertEquals(6.0, v.get(2).get("x.diff"));
        assertEquals(2.5, v.get(2).get("x.ratio"));
    }

    @Test
    void ratioToAZeroPreviousValueIsCapped() {
        assertEquals(1.0, run(spec("x.ratio"), 0, 0).get(1).get("x.ratio"));
        assertEquals(DerivedFeatures.RATIO_CAP, run(spec("x.ratio"), 0, 3).get(1).get("x.ratio"));
        assertEquals(-DerivedFeatures.RATIO_CAP, run(spec("x.ratio"), 0, -3).get(1).get("x.ratio"));
        assertEquals(-DerivedFeatures.RATIO_CAP, run(spec("x.ratio"), 1e-300, -3).get(1).get("x.ratio"));
    }

    @Test
    void eventWindowStatisticsExcludeTheCurrentEvent() {
        List<Map<String, Double>> v = run(spec("x.mean_3", "x.std_3", "x.min_3", "x.max_3"), 1, 2, 3, 4, 100);
        Map<String, Double> last = v.get(4);
        assertEquals(3.0, last.get("x.mean_3"), EPS, "mean of 2, 3, 4: the outlier 100 is not in its own baseline");
        assertEquals(Math.sqrt(2.0 / 3), last.get("x.std_3"), EPS, "population std");
        assertEquals(2.0, last.get("x.min_3"));
        assertEquals(4.0, last.get("x.max_3"));
        assertEquals(0.0, v.get(1).get("x.std_3"), "std of one value is 0");
        assertEquals(1.0, v.get(1).get("x.mean_3"));
        assertEquals(Map.of("x.mean_3", 1.0, "x.std_3", 0.0, "x.min_3", 1.0, "x.max_3", 1.0), v.get(0));
    }

    @Test
    void timeWindowsCountOnlyEventsInsideTheWindow() {
        DerivedFeatures s = spec("x.mean_2500ms", "count_2500ms", "since_previous");
        List<Map<String, Double>> v = run(s, 10, 20, 30, 40);
        assertEquals(25.0, v.get(3).get("x.mean_2500ms"), EPS, "events at +1 s and +2 s; +0 s is 3 s old");
        assertEquals(2.0, v.get(3).get("count_2500ms"));
        assertEquals(1.0, v.get(3).get("since_previous"));
        assertEquals(0.0, v.get(0).get("count_2500ms"));
        assertEquals(0.0, v.get(0).get("since_previous"));

        EntityHistory h = s.derive(null, T0, Map.of("x", 5.0)).next();
        Map<String, Double> gap = s.derive(h, T0 + 60_000, Map.of("x", 7.0)).values();
        assertEquals(7.0, gap.get("x.mean_2500ms"), "an empty window is filled with the current value");
        assertEquals(0.0, gap.get("count_2500ms"));
        assertEquals(60.0, gap.get("since_previous"));
    }

    @Test
    void aLateEventDoesNotMoveTheWindowBack() {
        DerivedFeatures s = spec("x.mean_5s", "count_5s", "since_previous", "x.lag_1");
        EntityHistory h = null;
        for (long t : new long[] {0, 10_000, 11_000}) {
            h = s.derive(h, T0 + t, Map.of("x", (double) t)).next();
        }
        DerivedFeatures.Derivation late = s.derive(h, T0 + 1_000, Map.of("x", 1.0));
        assertEquals(2.0, late.values().get("count_5s"), "the window ends at the latest time seen (11 s), not 1 s");
        assertEquals(10_500.0, late.values().get("x.mean_5s"), EPS);
        assertEquals(0.0, late.values().get("since_previous"), "clamped at 0");
        assertEquals(11_000.0, late.values().get("x.lag_1"), "arrival order");
        assertEquals(T0 + 11_000, late.next().latestTime());
        assertEquals(1.0, s.derive(late.next(), T0 + 12_000, Map.of("x", 5.0)).values().get("x.lag_1"),
                "the late event joined the history in arrival order");
    }

    @Test
    void historyIsBounded() {
        DerivedFeatures s = spec("x.lag_3", "x.mean_2s");
        EntityHistory h = null;
        for (int i = 0; i < 50; i++) {
            h = s.derive(h, T0 + i * 100L, Map.of("x", (double) i)).next();
        }
        assertEquals(20, h.size(), "events within 2 s at 100 ms spacing");
        DerivedFeatures lagOnly = spec("x.lag_3");
        EntityHistory l = null;
        for (int i = 0; i < 50; i++) {
            l = lagOnly.derive(l, T0 + i, Map.of("x", (double) i)).next();
        }
        assertEquals(3, l.size());
    }

    @Test
    void historyRoundTripsThroughItsBytes() {
        DerivedFeatures s = spec("x.mean_10", "y.diff");
        EntityHistory h = null;
        for (int i = 0; i < 5; i++) {
            h = s.derive(h, T0 + i, Map.of("x", i * 1.5, "y", -i * 0.25)).next();
        }
        byte[] bytes = h.toBytes();
        EntityHistory back = EntityHistory.fromBytes(bytes);
        assertArrayEquals(bytes, back.toBytes());
        assertEquals(List.of("x", "y"), back.sources());
        assertEquals(h.latestTime(), back.latestTime());
        assertEquals(s.derive(h, T0 + 9, Map.of("x", 3.0, "y", 1.0)).values(),
                s.derive(back, T0 + 9, Map.of("x", 3.0, "y", 1.0)).values());
    }

    @Test
    void corruptBytesAreAClearError() {
        EntityHistory h = spec("x.diff").derive(null, T0, Map.of("x", 1.0)).next();
        byte[] good = h.toBytes();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertTrue(assertThrows(InvalidHistoryException.class, () -> EntityHistory.fromBytes(truncated))
                .getMessage().contains("truncated"));
        byte[] version = good.clone();
        version[0] = 9;
        assertTrue(assertThrows(InvalidHistoryException.class, () -> EntityHistory.fromBytes(version))
                .getMessage().contains("format 9"));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(InvalidHistoryException.class, () -> EntityHistory.fromBytes(longer))
                .getMessage().contains("trailing"));
        assertThrows(InvalidHistoryException.class, () -> EntityHistory.fromBytes(new byte[0]));
        byte[] hugeCount = good.clone();
        hugeCount[1] = 0x7f;
        assertTrue(assertThrows(InvalidHistoryException.class, () -> EntityHistory.fromBytes(hugeCount))
                .getMessage().contains("source count"));
    }

    @Test
    void aHistoryWithoutANeededSourceStartsAfresh() {
        EntityHistory onlyX = spec("x.diff").derive(null, T0, Map.of("x", 1.0)).next();
        Map<String, Double> v = spec("y.diff", "x.diff").derive(onlyX, T0 + 1, Map.of("x", 5.0, "y", 2.0)).values();
        assertEquals(0.0, v.get("x.diff"), "warm-up again: y was never recorded");
        EntityHistory xy = spec("x.diff", "y.diff").derive(null, T0, Map.of("x", 1.0, "y", 1.0)).next();
        assertEquals(4.0, spec("x.diff").derive(xy, T0 + 1, Map.of("x", 5.0)).values().get("x.diff"),
                "a history with more sources serves a spec with fewer");
    }

    @Test
    void missingOrNonFiniteSourceIsRefused() {
        DerivedFeatures s = spec("x.diff");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.derive(null, T0, Map.of("y", 1.0)))
                .getMessage().contains("'x', which is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> s.derive(null, T0, Map.of("x", Double.NaN))).getMessage().contains("not finite"));
    }

    @Test
    void namesParseOrSayWhatIsExpected() {
        DerivedFeature f = DerivedFeature.parse("cpu.user.mean_5m");
        assertEquals("cpu.user", f.source());
        assertEquals(DerivedFeature.Kind.MEAN, f.kind());
        assertEquals(300_000L, f.windowMillis());
        assertEquals(10, DerivedFeature.parse("cpu.max_10").events());
        assertEquals(DerivedFeature.Kind.SINCE_PREVIOUS, DerivedFeature.parse("since_previous").kind());
        for (String bad : List.of("cpu", "cpu.mean", "cpu.lag_5m", "count_10", "cpu.count_1h", "since_previous_1s",
                "diff", ".diff", "cpu.mean_0", "cpu.lag_1001", "cpu.median_3")) {
            assertThrows(IllegalArgumentException.class, () -> DerivedFeature.parse(bad), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec("x.diff", "x.diff")).getMessage()
                .contains("twice"));
        assertEquals(List.of("a", "b"), spec("b.diff", "a.lag_1", "count_1h").sources());
    }
    /**
     * The default limit keeps a history record under Kafka's default max.message.bytes even for a model with many
     * sources and a time window over a busy entity (200 sources × 1,000 events would be 1.6 MB): the oldest events
     * go, and the count saturates at what fits. The detector stores this record in a changelog topic.
     */
    @Test
    void theDefaultLimitBoundsTheHistoryBytesAndAConfiguredOneTheEvents() {
        List<String> names = new ArrayList<>();
        Map<String, Double> raw = new java.util.HashMap<>();
        for (int j = 0; j < 200; j++) {
            names.add("s" + j + ".lag_1");
            raw.put("s" + j, (double) j);
        }
        names.add("count_1h");
        DerivedFeatures wide = DerivedFeatures.parse(names);
        EntityHistory h = null;
        double count = 0;
        for (int i = 0; i < 1200; i++) {
            DerivedFeatures.Derivation d = wide.derive(h, 1_000L * i, raw);
            h = d.next();
            count = d.values().get("count_1h");
        }
        int bytes = h.toBytes().length;
        assertTrue(bytes <= HistoryLimit.MAX_BYTES, bytes + " bytes");
        assertTrue(h.size() > 500 && h.size() < 1000, "as many events as fit: " + h.size());
        assertEquals(h.size(), count, "count_1h saturates at the events kept");

        DerivedFeatures narrow = DerivedFeatures.parse(List.of("x.mean_1h", "count_1h"));
        HistoryLimit limit = new HistoryLimit(10, HistoryLimit.MAX_BYTES);
        EntityHistory g = null;
        Map<String, Double> last = null;
        for (int i = 0; i < 30; i++) {
            DerivedFeatures.Derivation d = narrow.derive(g, 1_000L * i, Map.of("x", (double) i), limit);
            g = d.next();
            last = d.values();
        }
        assertEquals(10, g.size());
        assertEquals(10.0, last.get("count_1h"));
        assertEquals(23.5, last.get("x.mean_1h"), 1e-12, "mean of the newest 10 (19..28)");
    }
}
