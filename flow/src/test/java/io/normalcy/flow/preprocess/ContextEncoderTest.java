package io.normalcy.flow.preprocess;

import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextEncoderTest {
    private final ContextSpec spec = new ContextSpec(
            List.of(new ContextSpec.CategoricalField("region", List.of("eu", "us"))),
            List.of(new ContextSpec.CyclicField("hour", ContextSpec.HOUR_OF_DAY, 24),
                    new ContextSpec.CyclicField("dow", ContextSpec.DAY_OF_WEEK, 7),
                    new ContextSpec.CyclicField("angle", "deg", 360)),
            List.of(new ContextSpec.NumericField("load", 10, 4)));
    private final ContextEncoder enc = new ContextEncoder(spec);

    private static long utc(int y, int mo, int d, int h, int mi) {
        return ZonedDateTime.of(y, mo, d, h, mi, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @Test
    void encodesOneHotCyclicAndNumericInContractOrder() {
        // 2024-01-01 is a Monday (day 0); 06:00 is a quarter of the day.
        double[] c = enc.encode(Map.of("region", "us"), Map.of("deg", 90.0, "load", 14.0), utc(2024, 1, 1, 6, 0));
        assertEquals(3 + 2 + 2 + 2 + 1, enc.dimension());
        assertArrayEquals(new double[] {0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0}, c, 1e-12);
        assertEquals(List.of("region=eu", "region=us", "region=<unknown>", "hour.sin", "hour.cos", "dow.sin",
                "dow.cos", "angle.sin", "angle.cos", "load"), spec.dimensionNames());
    }

    @Test
    void fractionalHourAndSundayAndPreEpochTimes() {
        // 2023-12-31 is a Sunday (day 6); 18:30 → 18.5 h.
        double[] c = enc.encode(Map.of(), Map.of("deg", 0.0, "load", 10.0), utc(2023, 12, 31, 18, 30));
        assertEquals(Math.sin(2 * Math.PI * 18.5 / 24), c[3], 1e-12);
        assertEquals(Math.cos(2 * Math.PI * 18.5 / 24), c[4], 1e-12);
        assertEquals(Math.sin(2 * Math.PI * 6 / 7), c[5], 1e-12);
        // 1969-12-31 23:00 UTC, a Wednesday (day 2)
        double[] old = enc.encode(null, Map.of("deg", 0.0, "load", 10.0), utc(1969, 12, 31, 23, 0));
        assertEquals(Math.sin(2 * Math.PI * 23 / 24), old[3], 1e-12);
        assertEquals(Math.sin(2 * Math.PI * 2 / 7), old[5], 1e-12);
    }

    @Test
    void missingOrUnseenCategoricalUsesUnknownSlot() {
        Map<String, Double> num = Map.of("deg", 0.0, "load", 10.0);
        assertArrayEquals(new double[] {0, 0, 1}, java.util.Arrays.copyOf(enc.encode(Map.of("region", "apac"), num, 0), 3));
        assertArrayEquals(new double[] {0, 0, 1}, java.util.Arrays.copyOf(enc.encode(Map.of(), num, 0), 3));
        double[] buf = new double[enc.dimension()];
        java.util.Arrays.fill(buf, 7);
        enc.encode(Map.of("region", "eu"), num, 0, buf);
        assertArrayEquals(new double[] {1, 0, 0}, java.util.Arrays.copyOf(buf, 3), "buffer slots are reset");
    }

    @Test
    void missingNumericIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> enc.encode(Map.of(), Map.of("deg", 1.0), 0));
        assertTrue(e.getMessage().contains("'load'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.encode(Map.of(), Map.of("load", 1.0), 0));
        assertTrue(e.getMessage().contains("'deg'") && e.getMessage().contains("'angle'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> enc.encode(Map.of(), Map.of("load", Double.NaN, "deg", 1.0), 0));
        assertTrue(e.getMessage().contains("'load'"), e.getMessage());
    }

    @Test
    void fitBuildsVocabulariesByFrequencyAndNumericStatistics() {
        List<Map<String, String>> cats = List.of(Map.of("region", "us"), Map.of("region", "eu"),
                Map.of("region", "us"), Map.of("region", "apac"), Map.of(), Map.of("region", "eu"),
                Map.of("region", "us"));
        List<Map<String, Double>> nums = List.of(Map.of("load", 1.0), Map.of("load", 3.0), Map.of("load", 5.0),
                Map.of("load", 7.0), Map.of("load", 9.0), Map.of("load", 11.0), Map.of("load", 13.0));
        ContextSpec fitted = ContextSpec.fit(List.of("region"), List.of(), List.of("load"), cats, nums, 2);
        assertEquals(List.of("us", "eu"), fitted.categorical().get(0).vocabulary());
        assertEquals(7.0, fitted.numeric().get(0).mean(), 1e-12);
        assertEquals(Math.sqrt(16.0), fitted.numeric().get(0).std(), 1e-12);
        assertEquals(4, fitted.dimension());
        assertThrows(IllegalArgumentException.class,
                () -> ContextSpec.fit(List.of(), List.of(), List.of("missing"), null, nums, 2));
    }

    @Test
    void specValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContextSpec.CyclicField("h", "@hour", 24));
        assertTrue(e.getMessage().contains("'h'") && e.getMessage().contains("@hour"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ContextSpec.CyclicField("h", "x", 0));
        assertTrue(e.getMessage().contains("period"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ContextSpec(
                List.of(new ContextSpec.CategoricalField("a", List.of())), null,
                List.of(new ContextSpec.NumericField("a", 0, 1))));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        assertEquals(0, new ContextEncoder(ContextSpec.empty()).dimension());
    }
}
