package io.normalcy.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoGeneratorTest {
    private static final long START = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 86_400_000L);

    @Test
    void theSameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        List<DemoEvent> a = new DemoGenerator(7, START, 10_000, "r").next(2_000, 0.01);
        List<DemoEvent> b = new DemoGenerator(7, START, 10_000, "r").next(2_000, 0.01);
        List<DemoEvent> c = new DemoGenerator(8, START, 10_000, "r").next(2_000, 0.01);
        assertEquals(a, b);
        assertNotEquals(a.stream().map(DemoEvent::features).toList(), c.stream().map(DemoEvent::features).toList());
    }

    @Test
    void anomaliesComeAtTheRequestedRateInEqualKindsAndOnlyWhereAsked() {
        DemoGenerator g = new DemoGenerator(1, START, 72_000, "r");
        List<DemoEvent> history = g.next(3_000, 0);
        List<DemoEvent> stream = g.next(9_000, 0.01);
        assertTrue(history.stream().noneMatch(DemoEvent::isAnomaly));
        Map<AnomalyKind, Integer> kinds = new EnumMap<>(AnomalyKind.class);
        stream.stream().filter(DemoEvent::isAnomaly).forEach(e -> kinds.merge(e.anomaly(), 1, Integer::sum));
        assertEquals(Map.of(AnomalyKind.SPIKE, 30, AnomalyKind.BROKEN_CORRELATION, 30, AnomalyKind.WRONG_CONTEXT, 30),
                kinds);
        // one timeline: ids unique, times increasing across batches, about 12 000 · 72 s (10 days) long
        List<DemoEvent> all = new ArrayList<>(history);
        all.addAll(stream);
        assertEquals(all.size(), all.stream().map(DemoEvent::eventId).distinct().count());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).eventTime() > all.get(i - 1).eventTime(), "event " + i + " goes back in time");
        }
        double span = all.get(all.size() - 1).eventTime() - START;
        assertTrue(span > 0.9 * 12_000 * 72_000 && span < 1.1 * 12_000 * 72_000, "span " + span);
    }

    @Test
    void theVolumeFollowsTheDailyCycle() {
        List<DemoEvent> events = new DemoGenerator(2, START, 60_000, "r").next(20_000, 0); // ~14 days
        int[] perHour = new int[24];
        events.forEach(e -> perHour[(int) e.hourOfDay()]++);
        assertTrue(perHour[15] > 3 * perHour[3], "busy 15h vs quiet 03h: " + Arrays.toString(perHour));
    }

    @Test
    void everyInjectedKindIsImprobableUnderTheGeneratingDistribution() {
        List<DemoEvent> events = new DemoGenerator(3, START, 10_000, "r").next(60_000, 0.01);
        Map<String, List<Double>> normal = new HashMap<>();
        for (DemoEvent e : events) {
            if (!e.isAnomaly()) {
                normal.computeIfAbsent(e.entityType(), k -> new ArrayList<>()).add(trueLogDensity(e));
            }
        }
        Map<String, Double> q001 = new HashMap<>();
        normal.forEach((type, lds) -> q001.put(type, quantile(lds, 0.001)));
        Map<AnomalyKind, int[]> below = new EnumMap<>(AnomalyKind.class);
        for (DemoEvent e : events) {
            if (e.isAnomaly()) {
                int[] c = below.computeIfAbsent(e.anomaly(), k -> new int[2]);
                c[1]++;
                if (trueLogDensity(e) < q001.get(e.entityType())) {
                    c[0]++;
                }
            }
        }
        for (AnomalyKind k : AnomalyKind.values()) {
            int[] c = below.get(k);
            assertEquals(200, c[1], k.label());
            assertTrue(c[0] >= 0.95 * c[1], k.label() + ": only " + c[0] + " of " + c[1]
                    + " below the 0.1% quantile of normal events of their type");
        }
    }

    @Test
    void brokenCorrelationsAndWrongContextsLookOrdinaryFeatureByFeature() {
        List<DemoEvent> events = new DemoGenerator(4, START, 10_000, "r").next(60_000, 0.01);
        // per type and feature, the central 99.8% of the normal events
        Map<String, Map<String, double[]>> range = new HashMap<>();
        for (EntityProfile p : EntityProfile.ALL) {
            for (String f : PaymentsModel.FEATURES) {
                List<Double> v = events.stream().filter(e -> !e.isAnomaly() && e.entityType().equals(p.name()))
                        .map(e -> e.features().get(f)).toList();
                range.computeIfAbsent(p.name(), k -> new HashMap<>())
                        .put(f, new double[]{quantile(v, 0.001), quantile(v, 0.999)});
            }
        }
        int broken = 0;
        int brokenPlausible = 0;
        int wrong = 0;
        int wrongPlausibleForPartner = 0;
        int wrongImplausibleForOwn = 0;
        for (DemoEvent e : events) {
            if (e.anomaly() == AnomalyKind.BROKEN_CORRELATION) {
                broken++;
                brokenPlausible += within(e, range.get(e.entityType())) ? 1 : 0;
            } else if (e.anomaly() == AnomalyKind.WRONG_CONTEXT) {
                wrong++;
                wrongPlausibleForPartner += within(e, range.get(EntityProfile.named(e.entityType()).partner())) ? 1 : 0;
                wrongImplausibleForOwn += within(e, range.get(e.entityType())) ? 0 : 1;
            }
        }
        assertTrue(brokenPlausible >= 0.9 * broken, brokenPlausible + " of " + broken
                + " broken-correlation events have every feature inside its normal range");
        assertTrue(wrongPlausibleForPartner >= 0.9 * wrong, wrongPlausibleForPartner + " of " + wrong
                + " wrong-context events are ordinary for the type they come from");
        assertTrue(wrongImplausibleForOwn >= 0.5 * wrong, wrongImplausibleForOwn + " of " + wrong
                + " wrong-context events leave the ranges of their labelled type in some feature");
    }

    @Test
    void theItemCountIsAPositiveInteger() {
        for (DemoEvent e : new DemoGenerator(5, START, 10_000, "r").next(5_000, 0.01)) {
            double n = e.features().get(PaymentsModel.INTEGER_FEATURE);
            assertTrue(n >= 1 && n == Math.rint(n), e.eventId() + " itemCount " + n);
            assertTrue(Double.isFinite(trueLogDensity(e)), e.eventId());
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DemoGenerator(1, START, 10_000, "r").next(10, 1.5));
        assertTrue(e.getMessage().contains("anomalyRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DemoGenerator(1, START, 0, "r"));
        assertTrue(e.getMessage().contains("meanGapMillis"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EntityProfile.named("casino"));
        assertTrue(e.getMessage().contains("casino"), e.getMessage());
    }

    private static double trueLogDensity(DemoEvent e) {
        return PaymentsModel.logDensity(e.features(), EntityProfile.named(e.entityType()), e.region(), e.hourOfDay());
    }

    private static boolean within(DemoEvent e, Map<String, double[]> ranges) {
        for (String f : PaymentsModel.FEATURES) {
            double v = e.features().get(f);
            double[] r = ranges.get(f);
            if (v < r[0] || v > r[1]) {
                return false;
            }
        }
        return true;
    }

    private static double quantile(List<Double> values, double q) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[(int) Math.min(s.length - 1, Math.floor(q * s.length))];
    }
}
