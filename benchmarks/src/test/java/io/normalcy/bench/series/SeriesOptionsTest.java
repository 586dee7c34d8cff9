package io.normalcy.bench.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: defaults, --quick, explicit values winning, and a clear error for every bad value. */
class SeriesOptionsTest {
    @Test
    void defaultsAndQuick() {
        SeriesOptions d = SeriesOptions.parse();
        assertEquals(SeriesOptions.SERIES, d.series());
        assertEquals(0, d.epochs(), "the size rule's epochs by default");
        assertEquals(0.4, d.fitShare());
        SeriesOptions q = SeriesOptions.parse("--quick", "--series", "3", "--out", "x");
        assertEquals(3, q.series(), "explicit options win over --quick");
        assertEquals(SeriesOptions.QUICK_LENGTH, q.length());
        assertEquals(SeriesOptions.QUICK_EPOCHS, q.epochs());
        assertEquals(Path.of("x"), q.out());
        assertTrue(q.quick());
    }

    @ParameterizedTest
    @CsvSource({
        "--series, 0, --series must be in",
        "--length, 1999, --length must be in",
        "--fit-share, 0.9, --fit-share must be in",
        "--rate, 0, --rate must be in",
        "--rate, 0.1, --rate must be in",
        "--epochs, -1, --epochs must be >= 0",
        "--seed, x, Invalid value for option '--seed'",
        "--bogus, 1, Unknown options: '--bogus'"
    })
    void rejectsBadValuesNamingTheOption(String option, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeriesOptions.parse(option, value));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void rejectsAMissingValueAndTooFewScoredPoints() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeriesOptions.parse("--out")).getMessage()
                .startsWith("Missing required parameter for option '--out'"));
        // shortest series 1,000 points, 20 % scored = 200 points: not 3 windows of up to 168
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SeriesOptions.parse("--length", "2000", "--fit-share", "0.8")).getMessage()
                .contains("too few scored points"));
    }
}
