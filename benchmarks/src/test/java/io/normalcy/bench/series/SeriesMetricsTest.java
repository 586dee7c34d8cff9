package io.normalcy.bench.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.bench.series.OpsSeries.AnomalyKind;
import io.normalcy.bench.series.SeriesBenchmark.MethodResult;
import io.normalcy.bench.series.SeriesBenchmark.SeriesResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The series metrics on hand-made scores whose AUROC, cut and window hits can be counted by hand. */
class SeriesMetricsTest {
    /** Ten points: window 0 = points 2–3, window 1 = point 7; the other seven are negatives. */
    private static final int[] WINDOW_OF = {-1, -1, 0, 0, -1, -1, -1, 1, -1, -1};

    @Test
    void aurocUsesInsideAWindowAsTheLabel() {
        double[] perfect = {0, 1, 9, 8, 2, 3, 4, 7, 5, 6};
        assertEquals(1.0, SeriesMetrics.auroc(WINDOW_OF, perfect), 1e-12);
        // positives 9, 8, 0: 0 beats none of the 7 negatives; 9 and 8 beat all: (7 + 7 + 0) / 21
        double[] oneMissed = {0.5, 2, 9, 8, 3, 4, 5, 0, 6, 7};
        assertEquals(14.0 / 21, SeriesMetrics.auroc(WINDOW_OF, oneMissed), 1e-12);
        assertEquals(0.5, SeriesMetrics.auroc(WINDOW_OF, new double[10]), 1e-12);
        assertTrue(Double.isNaN(SeriesMetrics.auroc(new int[] {-1, -1}, new double[] {1, 2})));
    }

    @Test
    void windowRecallCountsWindowsWithAPointAboveTheNegativesQuantile() {
        // negatives 0, 1, 2.5, 2.6, 3, 4, 6; rate 0.2: type-7 0.8-quantile at position 0.8·6 = 4.8 → 3 + 0.8·(4 − 3)
        double[] s = {0, 1, 5, 2, 3, 4, 6, 4.9, 2.5, 2.6};
        int[] w = {-1, -1, 0, 0, -1, -1, -1, 1, -1, -1};
        SeriesMetrics.Recall r = SeriesMetrics.windowRecall(w, s, 2, 0.2);
        assertEquals(3.8, r.cut(), 1e-12);
        assertArrayEquals(new boolean[] {true, true}, r.hits(), "5 in window 0, 4.9 in window 1");
        assertEquals(1.0, r.recall(), 1e-12);
        assertEquals(2.0 / 7, r.falseAlarmRate(), 1e-12, "4 and 6 are the negatives above the cut");
        SeriesMetrics.Recall strict = SeriesMetrics.windowRecall(w, s, 2, 0.01);
        // position 0.99·6 = 5.94 → 4 + 0.94·(6 − 4) = 5.88: neither window reaches it, 6 still does
        assertEquals(5.88, strict.cut(), 1e-12);
        assertArrayEquals(new boolean[] {false, false}, strict.hits());
        assertEquals(0.0, strict.recall(), 1e-12);
        assertEquals(1.0 / 7, strict.falseAlarmRate(), 1e-12);
    }

    @Test
    void worstBelowMedianIsMedianMinusMinimum() {
        assertEquals(3.5, SeriesMetrics.worstBelowMedian(new double[] {-1, 2, 3, 5}), 1e-12, "(2 + 3) / 2 − (−1)");
        assertEquals(1000.0, SeriesMetrics.worstBelowMedian(new double[] {-1000, 0, 0}), 1e-12);
    }

    @Test
    void winsCountEveryMethodTiedForTheBestAuroc() {
        OpsSeries.Series s = OpsSeries.generate(1, 2000, 0.4, 1).get(0);
        SeriesMetrics.Recall none = new SeriesMetrics.Recall(0, 3, 0, 0, new boolean[3]);
        List<SeriesResult> results = List.of(
                new SeriesResult(s, List.of(m("a", 0.9, none), m("b", 0.8, none), m("c", 0.9, none))),
                new SeriesResult(s, List.of(m("a", 0.5, none), m("b", 0.7, none), m("c", Double.NaN, none))));
        assertArrayEquals(new int[] {1, 1, 1}, SeriesReport.wins(results));
    }

    @Test
    void kindTableCountsHitsPerAnomalyKind() {
        OpsSeries.Series s = OpsSeries.generate(1, 2000, 0.4, 1).get(0);
        boolean[] hits = {true, false, true};
        SeriesMetrics.Recall r = new SeriesMetrics.Recall(0, 3, 2, 0, hits);
        String table = SeriesReport.kindTable(List.of(new SeriesResult(s, List.of(m("a", 0.5, r)))));
        for (AnomalyKind k : AnomalyKind.values()) {
            long total = s.anomalies().stream().filter(a -> a.kind() == k).count();
            long hit = java.util.stream.IntStream.range(0, 3).filter(i -> s.anomalies().get(i).kind() == k && hits[i])
                    .count();
            if (total > 0) {
                assertTrue(table.contains("| " + k.name().toLowerCase(java.util.Locale.ROOT) + " | " + total + " | "
                        + hit + " |"), table);
            }
        }
    }

    private static MethodResult m(String name, double auroc, SeriesMetrics.Recall r) {
        return new MethodResult(name, auroc, r, Double.NaN, true, "", "", 0);
    }
}
