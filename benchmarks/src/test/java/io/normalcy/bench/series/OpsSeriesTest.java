package io.normalcy.bench.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.bench.series.OpsSeries.Anomaly;
import io.normalcy.bench.series.OpsSeries.Series;
import io.normalcy.bench.series.OpsSeries.Window;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The generator is reproducible, puts every anomaly into the scored part inside its own window, changes nothing
 * outside the anomalies, and keeps each series kind's messiness (grid, constant stretches, two values), which is
 * what the benchmark claims to test. Milliseconds.
 */
class OpsSeriesTest {
    private static final List<Series> SERIES = OpsSeries.generate(16, 6000, 0.4, 42);

    @Test
    void sameSeedSameSeriesOtherSeedOtherSeries() {
        List<Series> again = OpsSeries.generate(16, 6000, 0.4, 42);
        List<Series> other = OpsSeries.generate(16, 6000, 0.4, 43);
        for (int i = 0; i < SERIES.size(); i++) {
            assertArrayEquals(SERIES.get(i).values(), again.get(i).values());
            assertEquals(SERIES.get(i).windows(), again.get(i).windows());
            assertEquals(SERIES.get(i).anomalies(), again.get(i).anomalies());
        }
        assertFalse(java.util.Arrays.equals(SERIES.get(0).values(), other.get(0).values()));
        // adding series leaves the first ones as they were
        assertArrayEquals(SERIES.get(3).values(), OpsSeries.generate(4, 6000, 0.4, 42).get(3).values());
    }

    @Test
    void everyAnomalyLiesInItsOwnWindowInTheScoredPartAndChangesAValue() {
        for (Series s : SERIES) {
            assertEquals(OpsSeries.ANOMALIES, s.anomalies().size(), s.name());
            assertEquals(s.anomalies().size(), s.windows().size(), s.name());
            for (int a = 0; a < s.anomalies().size(); a++) {
                Anomaly an = s.anomalies().get(a);
                Window w = s.windows().get(a);
                assertTrue(w.start() >= s.fitEnd() && w.end() <= s.length(), s.name() + " window " + w);
                assertTrue(w.start() + OpsSeries.MARGIN <= an.start() && an.end() + OpsSeries.MARGIN <= w.end(),
                        s.name() + ": " + an + " not inside " + w + " with a margin");
                boolean changed = false;
                for (int t = an.start(); t < an.end(); t++) {
                    changed |= s.values()[t] != s.clean()[t];
                    assertEquals(a, s.windowOf(t), s.name() + " point " + t);
                }
                assertTrue(changed, s.name() + ": " + an + " changes no value");
            }
            for (int a = 1; a < s.windows().size(); a++) {
                assertTrue(s.windows().get(a - 1).end() <= s.windows().get(a).start(), s.name() + " windows overlap");
            }
        }
    }

    @Test
    void valuesDifferFromTheCleanSeriesOnlyAtAnomalies() {
        for (Series s : SERIES) {
            for (int t = 0; t < s.length(); t++) {
                if (s.values()[t] != s.clean()[t]) {
                    int at = t;
                    assertTrue(s.anomalies().stream().anyMatch(a -> at >= a.start() && at < a.end()),
                            s.name() + " point " + t + " changed outside every anomaly");
                }
            }
        }
    }

    @Test
    void windowsTakeTheNabBudgetCentredOnTheAnomaly() {
        Series s = SERIES.get(0);
        int budget = (int) Math.round(OpsSeries.WINDOW_BUDGET * s.length() / OpsSeries.ANOMALIES);
        for (int a = 0; a < s.windows().size(); a++) {
            Window w = s.windows().get(a);
            Anomaly an = s.anomalies().get(a);
            int length = Math.max(budget, an.end() - an.start() + 2 * OpsSeries.MARGIN);
            assertEquals(length, w.end() - w.start());
            int before = an.start() - w.start();
            int after = w.end() - an.end();
            assertTrue(Math.abs(before - after) <= 1, "not centred: " + before + " before, " + after + " after");
        }
    }

    @Test
    void eachKindKeepsItsMessiness() {
        for (Series s : SERIES) {
            double[] c = s.clean();
            switch (s.kind()) {
                case CPU, DISK, LATE_START, LATENCY -> {
                    for (double v : c) {
                        assertEquals(Math.round(v * 10) / 10.0, v, 1e-12, s.name() + " off the 0.1 grid: " + v);
                    }
                }
                case REQUESTS, SOCIAL, MEMORY -> {
                    for (double v : c) {
                        assertEquals(Math.rint(v), v, 0.0, s.name() + " not whole: " + v);
                    }
                }
                case SWITCH -> {
                    Set<Double> distinct = new TreeSet<>();
                    for (double v : c) {
                        distinct.add(v);
                    }
                    assertEquals(2, distinct.size(), s.name() + " " + distinct);
                }
            }
            if (s.kind() == OpsSeries.Kind.LATE_START) {
                assertEquals(0.0, c[0]);
                assertEquals(0.0, c[s.length() / 10 - 1], s.name() + " constant for its first 10 %");
            }
            if (s.kind() == OpsSeries.Kind.DISK) {
                int repeats = 0;
                for (int t = 1; t < c.length; t++) {
                    repeats += c[t] == c[t - 1] ? 1 : 0;
                }
                assertTrue(repeats > 0.95 * c.length, s.name() + " has few constant stretches: " + repeats);
            }
        }
    }

    @Test
    void eventTimesAreFiveMinutesApartFromMidnight() {
        Series s = SERIES.get(0);
        assertEquals(OpsSeries.START_MILLIS, s.times()[0]);
        assertEquals(0, (s.times()[0] / 3_600_000L) % 24, "first point at 00:00 UTC");
        assertEquals(OpsSeries.STEP_MILLIS, s.times()[1] - s.times()[0]);
    }
}
